using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace AiMesh.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A loopback TCP forwarder the tests can cut: every open connection is reset and new ones are refused until it is
/// restored. Put between the mesh and its broker, it is a broker outage without stopping the broker other tests use.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private IPEndPoint? _target;
    private long _accepted;
    private readonly ConcurrentDictionary<TcpClient, byte> _open = new();
    private readonly CancellationTokenSource _stop = new();
    private TcpListener _listener;
    private Task _accepting;
    private volatile bool _cut;
    private volatile bool _swallowing;
    private long _swallowed;

    public TcpProxy(string targetHost, int targetPort)
        : this()
    {
        Target = new IPEndPoint(Dns.GetHostAddresses(targetHost).First(a => a.AddressFamily == AddressFamily.InterNetwork), targetPort);
    }

    /// <summary>A proxy listening already, whose <see cref="Target"/> is set later (when it is known only once something started).</summary>
    public TcpProxy()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync(_listener);
    }

    public int Port { get; }

    /// <summary>Where connections are forwarded.</summary>
    public IPEndPoint? Target
    {
        get => _target;
        set => _target = value;
    }

    /// <summary>How many connections it has accepted.</summary>
    public long Accepted => Interlocked.Read(ref _accepted);

    /// <summary>
    /// From now on, bytes the connecting side sends are read and dropped, not forwarded: its writes succeed and nothing
    /// arrives, as when a connection breaks with data in flight. <see cref="Restore"/> forwards again.
    /// </summary>
    public void Swallow() => _swallowing = true;

    /// <summary>How many bytes were dropped since <see cref="Swallow"/>.</summary>
    public long Swallowed => Interlocked.Read(ref _swallowed);

    /// <summary>Refuses new connections; open ones carry on (the broker can then close them itself).</summary>
    public void StopAccepting()
    {
        _cut = true;
        _listener.Stop();
    }

    /// <summary>Resets every connection and refuses new ones.</summary>
    public void Cut()
    {
        StopAccepting();
        foreach (var client in _open.Keys)
        {
            // A connection still being set up or already closed has no socket to reset.
            if (client.Client is { Connected: true } socket)
            {
                socket.LingerState = new LingerOption(true, 0);
            }

            client.Dispose();
        }

        _open.Clear();
    }

    /// <summary>Listens again on the same port.</summary>
    public void Restore()
    {
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Start();
        _cut = false;
        _swallowing = false;
        Interlocked.Exchange(ref _swallowed, 0);
        _accepting = AcceptAsync(_listener);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        Cut();
        try
        {
            await _accepting;
        }
        catch (ObjectDisposedException)
        {
            // The listener was stopped while accepting.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync(TcpListener listener)
    {
        while (!_stop.IsCancellationRequested && !_cut)
        {
            TcpClient inbound;
            try
            {
                inbound = await listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return;
            }

            Interlocked.Increment(ref _accepted);
            _ = PipeAsync(inbound);
        }
    }

    /// <summary>Copies the connecting side's bytes on, or drops them while <see cref="Swallow"/> is on.</summary>
    private async Task ForwardAsync(NetworkStream from, NetworkStream to)
    {
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
        {
            if (_swallowing)
            {
                Interlocked.Add(ref _swallowed, read);
                continue;
            }

            await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
        }
    }

    private async Task PipeAsync(TcpClient inbound)
    {
        var outbound = new TcpClient();
        _open[inbound] = 0;
        _open[outbound] = 0;
        try
        {
            await outbound.ConnectAsync(_target ?? throw new InvalidOperationException("The proxy has no target yet."), _stop.Token);
            var a = ForwardAsync(inbound.GetStream(), outbound.GetStream());
            var b = outbound.GetStream().CopyToAsync(inbound.GetStream(), _stop.Token);
            await Task.WhenAny(a, b);
        }
        catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // A cut, or either side closing: both sides are closed below.
        }
        finally
        {
            _open.TryRemove(inbound, out _);
            _open.TryRemove(outbound, out _);
            inbound.Dispose();
            outbound.Dispose();
        }
    }
}
