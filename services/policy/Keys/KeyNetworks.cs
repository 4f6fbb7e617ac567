using System.Net;

namespace AiMesh.Policy.Keys;

/// <summary>Reads an IP allowlist entry: a CIDR block (<c>10.0.0.0/8</c>, <c>2001:db8::/32</c>) or one address.</summary>
internal static class KeyNetworks
{
    public static bool TryParse(string? entry, out IPNetwork network)
    {
        network = default;
        if (string.IsNullOrWhiteSpace(entry) || entry.Length > 64)
        {
            return false;
        }

        if (entry.Contains('/', StringComparison.Ordinal))
        {
            // A base address with bits set past the prefix (10.0.0.1/8) is almost always a typo for something
            // else (10.0.0.1/32?), so it is refused, not silently widened.
            return IPAddress.TryParse(entry.AsSpan(0, entry.IndexOf('/', StringComparison.Ordinal)), out var written) &&
                IPNetwork.TryParse(entry, out network) &&
                HostBitsAreZero(written, network.PrefixLength);
        }

        if (!IPAddress.TryParse(entry, out var address))
        {
            return false;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        network = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        return true;
    }

    private static bool HostBitsAreZero(IPAddress written, int prefixLength)
    {
        var bytes = written.GetAddressBytes();
        for (var bit = prefixLength; bit < bytes.Length * 8; bit++)
        {
            if ((bytes[bit / 8] & (0x80 >> (bit % 8))) != 0)
            {
                return false;
            }
        }

        return true;
    }
}
