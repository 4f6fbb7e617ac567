using System.Net;
using AiMesh.Policy.Keys;
using Microsoft.Extensions.Options;

namespace AiMesh.Policy.Admin;

/// <summary>
/// The admin client's address: the connection's peer, unless that peer is a configured proxy (the ingress; an
/// address or a CIDR block), in
/// which case the last address the proxy appended to <c>X-Forwarded-For</c>. A client cannot name its own address:
/// from any other peer the header is ignored, and the ingress replaces whatever header the client sent.
/// </summary>
internal sealed class AdminClientAddress(IOptions<AdminOptions> options)
{
    private readonly IPNetwork[] _proxies = [.. options.Value.TrustedProxies
        .Select(p => KeyNetworks.TryParse(p, out var network) ? network : (IPNetwork?)null)
        .OfType<IPNetwork>()];

    public string? Of(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var peer = http.Connection.RemoteIpAddress is { } remote ? Normalize(remote) : null;
        if (peer is null || !_proxies.Any(p => p.Contains(peer)))
        {
            return peer?.ToString();
        }

        var forwarded = http.Request.Headers["X-Forwarded-For"].ToString();
        var last = forwarded.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
        return last is not null && IPAddress.TryParse(last, out var client) ? Normalize(client).ToString() : peer.ToString();
    }

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
