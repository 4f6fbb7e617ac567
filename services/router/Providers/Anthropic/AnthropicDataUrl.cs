namespace AiMesh.Router.Providers.Anthropic;

/// <summary>A <c>data:</c> URL with base64 content, the only inline form Anthropic's <c>base64</c> sources take.</summary>
internal readonly record struct AnthropicDataUrl(string MediaType, string Data)
{
    private const string Base64Marker = ";base64";

    /// <summary>False for anything but <c>data:&lt;media type&gt;;base64,&lt;data&gt;</c> (percent-encoded data URLs have no base64 equivalent).</summary>
    public static bool TryParse(string url, out AnthropicDataUrl dataUrl)
    {
        dataUrl = default;
        if (!url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var comma = url.IndexOf(',', StringComparison.Ordinal);
        if (comma < 0)
        {
            return false;
        }

        var meta = url.AsSpan(5, comma - 5);
        if (!meta.EndsWith(Base64Marker, StringComparison.OrdinalIgnoreCase) || meta.Length == Base64Marker.Length)
        {
            return false;
        }

        dataUrl = new AnthropicDataUrl(meta[..^Base64Marker.Length].ToString(), url[(comma + 1)..]);
        return true;
    }
}
