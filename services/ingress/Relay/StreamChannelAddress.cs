using System.Net;
using AiMesh.Hosting.Streams;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace AiMesh.Ingress.Relay;

/// <summary>
/// Where routers reach this instance's stream channel: <see cref="IngressOptions.StreamChannelUrl"/> when set (what a
/// deployment behind NAT or a load balancer must do), else the first address Kestrel listens on, a wildcard host
/// replaced by this machine's name. Null, so chunks go by bus, when there is no channel key.
/// </summary>
internal sealed class StreamChannelAddress(StreamChannelKey key, IOptions<IngressOptions> options, IServer? server = null)
{
    private Uri? _base;

    public Uri? For(Guid requestId) => Base is { } root ? StreamChannel.UrlFor(root, requestId) : null;

    private Uri? Base
    {
        get
        {
            if (!key.IsAvailable)
            {
                return null;
            }

            return _base ??= options.Value.StreamChannelUrl ?? Listening();
        }
    }

    private Uri? Listening()
    {
        var address = server?.Features.Get<IServerAddressesFeature>()?.Addresses
            .FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
            ?? server?.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        if (address is null)
        {
            return null;
        }

        var builder = new UriBuilder(address.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal));
        if (builder.Host is "0.0.0.0" or "[::]" or "::")
        {
            builder.Host = Dns.GetHostName();
        }

        builder.Path = "/";
        return builder.Uri;
    }
}
