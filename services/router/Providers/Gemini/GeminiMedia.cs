using System.Text.Json.Nodes;

namespace AiMesh.Router.Providers.Gemini;

/// <summary>
/// Images, audio and files of a client message as Gemini parts. A <c>data:</c> URL becomes <c>inlineData</c>. A
/// <c>https</c>, <c>http</c> or <c>gs</c> URL becomes <c>fileData</c>, which the provider fetches itself (as OpenAI
/// does with image URLs): the router never fetches a client's URL. <c>fileData</c> needs a MIME type, so the URL's
/// file extension must say it; a URL without a known one cannot be sent.
/// </summary>
internal static class GeminiMedia
{
    private static readonly Dictionary<string, string> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".png"] = "image/png",
        [".jpg"] = "image/jpeg",
        [".jpeg"] = "image/jpeg",
        [".webp"] = "image/webp",
        [".gif"] = "image/gif",
        [".heic"] = "image/heic",
        [".heif"] = "image/heif",
        [".pdf"] = "application/pdf",
        [".wav"] = "audio/wav",
        [".mp3"] = "audio/mp3",
    };

    /// <returns>The part, or null when <paramref name="url"/> is neither a base64 data URL nor a URL with a known file type.</returns>
    public static JsonObject? FromUrl(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            return FromDataUrl(url);
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)
            || uri.Scheme is not ("https" or "http" or "gs")
            || !ByExtension.TryGetValue(Path.GetExtension(uri.AbsolutePath), out var mimeType))
        {
            return null;
        }

        return new JsonObject { ["fileData"] = new JsonObject { ["mimeType"] = mimeType, ["fileUri"] = url } };
    }

    /// <summary><c>data:image/png;base64,AAAA</c> → <c>inlineData</c>; the payload is passed as it is, never decoded.</summary>
    public static JsonObject? FromDataUrl(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var comma = url.IndexOf(',', StringComparison.Ordinal);
        if (comma < 0 || !url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var header = url.AsSpan(5, comma - 5);
        if (!header.EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        // Parameters such as ";charset=utf-8" are not part of the media type.
        var mimeType = header[..^";base64".Length];
        var parameters = mimeType.IndexOf(';');
        mimeType = (parameters < 0 ? mimeType : mimeType[..parameters]).Trim();
        return mimeType.IsEmpty || !mimeType.Contains('/')
            ? null
            : Inline(mimeType.ToString().ToLowerInvariant(), url[(comma + 1)..]);
    }

    /// <summary>OpenAI's <c>input_audio</c>: base64 data and a format (<c>wav</c>, <c>mp3</c>).</summary>
    public static JsonObject? FromAudio(string? data, string? format) =>
        string.IsNullOrEmpty(data) || format is null || !ByExtension.TryGetValue("." + format, out var mimeType) || !mimeType.StartsWith("audio/", StringComparison.Ordinal)
            ? null
            : Inline(mimeType, data);

    private static JsonObject Inline(string mimeType, string data) =>
        new() { ["inlineData"] = new JsonObject { ["mimeType"] = mimeType, ["data"] = data } };
}
