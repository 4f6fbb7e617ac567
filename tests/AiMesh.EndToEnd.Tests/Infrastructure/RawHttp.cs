using System.Net.Sockets;
using System.Text;

namespace AiMesh.EndToEnd.Tests.Infrastructure;

/// <summary>HTTP/1.1 by hand, for the abuse no HTTP client library will send.</summary>
internal static class RawHttp
{
    public static async Task<TcpClient> ConnectAsync(Uri server)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port);
        return tcp;
    }

    public static Task SendAsync(TcpClient tcp, string text) => tcp.GetStream().WriteAsync(Encoding.ASCII.GetBytes(text)).AsTask();

    /// <summary>Reads until the server closes the connection or the response's declared length arrived.</summary>
    public static async Task<(int Status, string Text)> ReadResponseAsync(TcpClient tcp, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[64 * 1024];
        var text = new StringBuilder();
        var stream = tcp.GetStream();
        try
        {
            while (true)
            {
                var n = await stream.ReadAsync(buffer, cts.Token);
                if (n == 0)
                {
                    break;
                }

                text.Append(Encoding.UTF8.GetString(buffer, 0, n));
                if (IsComplete(text.ToString()))
                {
                    break;
                }
            }
        }
        catch (IOException)
        {
            // The server reset the connection after answering.
        }

        var all = text.ToString();
        var status = all.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) ? int.Parse(all.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture) : 0;
        return (status, all);
    }

    private static bool IsComplete(string response)
    {
        var headerEnd = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (headerEnd < 0)
        {
            return false;
        }

        var headers = response[..headerEnd];
        var lengthLine = headers.Split("\r\n").FirstOrDefault(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        if (lengthLine is not null)
        {
            return response.Length - headerEnd - 4 >= int.Parse(lengthLine["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }

        return headers.Contains("chunked", StringComparison.OrdinalIgnoreCase) && response.EndsWith("0\r\n\r\n", StringComparison.Ordinal);
    }
}
