using System.Text.Json.Nodes;

namespace AiMesh.Router.Providers.Bedrock;

/// <summary>An OpenAI <c>image_url</c> part as a Converse <c>image</c> block, when Converse can take the image as it is.</summary>
internal static class ConverseImage
{
    private const string DataPrefix = "data:";
    private const string Base64Marker = ";base64,";

    /// <returns>Null for a URL Converse cannot take without the router fetching it (http, https), or an unknown format.</returns>
    public static JsonObject? From(JsonNode? imageUrl, List<string> unsupported)
    {
        ArgumentNullException.ThrowIfNull(unsupported);
        var url = JsonText.Of(imageUrl) ?? JsonText.Of((imageUrl as JsonObject)?["url"]);
        var detail = imageUrl is JsonObject ? JsonText.Of(imageUrl["detail"]) : null;
        if (detail is not (null or "auto"))
        {
            // Converse has no resolution hint; "low" or "high" would change cost or quality.
            unsupported.Add("detail");
        }

        if (url is null)
        {
            return null;
        }

        if (url.StartsWith(DataPrefix, StringComparison.OrdinalIgnoreCase))
        {
            var marker = url.IndexOf(Base64Marker, StringComparison.OrdinalIgnoreCase);
            var format = marker < 0 ? null : Format(url[DataPrefix.Length..marker]);
            // The base64 text is passed on as it is: Converse's JSON carries image bytes as base64.
            return format is null ? null : Block(format, new JsonObject { ["bytes"] = url[(marker + Base64Marker.Length)..] });
        }

        if (url.StartsWith("s3://", StringComparison.Ordinal))
        {
            var extension = Path.GetExtension(url).TrimStart('.');
            var format = Format("image/" + extension);
            return format is null ? null : Block(format, new JsonObject { ["s3Location"] = new JsonObject { ["uri"] = url } });
        }

        return null;
    }

    private static JsonObject Block(string format, JsonObject source) =>
        new() { ["image"] = new JsonObject { ["format"] = format, ["source"] = source } };

    private static string? Format(string mediaType) => mediaType.ToLowerInvariant() switch
    {
        "image/png" => "png",
        "image/jpeg" or "image/jpg" => "jpeg",
        "image/gif" => "gif",
        "image/webp" => "webp",
        _ => null,
    };
}
