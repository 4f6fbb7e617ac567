using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace AiMesh.Metering.Tests.Infrastructure;

/// <summary>
/// Forwards a local port to a server while started; while stopped nothing listens on the port, so connecting is
/// refused, and the connections it carried are cut.
/// </summary>
internal sealed class TcpForwarder : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly ConcurrentDictionary<Socket, byte> _open = new();
    private readonly Lock _gate = new();
    private TcpListener? _listener;
    private CancellationTokenSource? _running;

    public TcpForwarder(IPEndPoint target)
    {
        _target = target;
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
    }

    public int Port { get; }

    public void Start()
    {
        lock (_gate)
        {
            if (_listener is not null)
            {
                return;
            }

            _running = new CancellationTokenSource();
            _listener = new TcpListener(IPAddress.Loopback, Port);
            _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            _listener.Start();
            _ = AcceptAsync(_listener, _running.Token);
        }
    }

    public void Stop()
    {
        lock (_gate)
        {
            _running?.Cancel();
            _running?.Dispose();
            _running = null;
            _listener?.Stop();
            _listener = null;
            foreach (var socket in _open.Keys)
            {
                socket.Dispose();
            }

            _open.Clear();
        }
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        return ValueTask.CompletedTask;
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken running)
    {
        while (!running.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptSocketAsync(running);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = PumpAsync(client, running);
        }
    }

    private async Task PumpAsync(Socket client, CancellationToken running)
    {
        var server = new Socket(_target.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _open.TryAdd(client, 0);
        _open.TryAdd(server, 0);
        try
        {
            await server.ConnectAsync(_target, running);
            await using var fromClient = new NetworkStream(client, ownsSocket: false);
            await using var toServer = new NetworkStream(server, ownsSocket: false);
            await Task.WhenAny(fromClient.CopyToAsync(toServer, running), toServer.CopyToAsync(fromClient, running));
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
            // The connection ends either way; a cut connection is what the test asked for.
        }
        finally
        {
            _open.TryRemove(client, out _);
            _open.TryRemove(server, out _);
            client.Dispose();
            server.Dispose();
        }
    }
}
