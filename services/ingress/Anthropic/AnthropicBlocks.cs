using System.Text.Json.Nodes;

namespace AiMesh.Ingress.Anthropic;

/// <summary>
/// Anthropic content blocks that carry content (text, image, document) as OpenAI content parts:
/// <list type="bullet">
/// <item><c>text</c> → a text part; <c>cache_control</c> stays on the part, where the mesh's Anthropic adapter reads it.</item>
/// <item><c>image</c> with a <c>base64</c> source → an <c>image_url</c> part with a <c>data:</c> URL; with a <c>url</c>
/// source → an <c>image_url</c> part with that URL. A <c>file</c> source (Anthropic's Files API) names a file in
/// Anthropic's storage, which no other provider can read: refused.</item>
/// <item><c>document</c>: a base64 PDF with nothing but a title → an OpenAI <c>file</c> part (<c>file_data</c> as a
/// <c>data:</c> URL, the title as <c>filename</c>), which every PDF-capable provider reads. Any other document (text
/// or URL sources, citations, context) has no OpenAI form and passes as the Anthropic block itself: Anthropic
/// deployments honour it, other providers refuse it — never a silent change.</item>
/// </list>
/// </summary>
internal static class AnthropicBlocks
{
    private static readonly HashSet<string> ImageTypes = ["image/jpeg", "image/png", "image/gif", "image/webp"];

    /// <returns>The OpenAI part, or null when <paramref name="block"/> is not a content block (the caller decides).</returns>
    public static JsonObject? Part(JsonObject block, string type, string path) => type switch
    {
        "text" => Text(block, path),
        "image" => Image(block, path),
        "document" => Document(block, path),
        _ => null,
    };

    /// <summary>Parts as OpenAI content: a plain string when they are one text part with nothing else on it.</summary>
    public static JsonNode Content(List<JsonObject> parts) =>
        parts is [{ Count: 2 } only] && only["type"]?.GetValue<string>() == "text"
            ? only["text"]!.DeepClone()
            : new JsonArray([.. parts]);

    private static JsonObject Text(JsonObject block, string path)
    {
        var part = new JsonObject { ["type"] = "text", ["text"] = AnthropicJson.String(block["text"], path + ".text") };
        AnthropicJson.CopyCacheControl(block, part, path);
        return part;
    }

    private static JsonObject Image(JsonObject block, string path)
    {
        var source = AnthropicJson.Object(block["source"], path + ".source");
        var sourceType = AnthropicJson.String(source["type"], path + ".source.type");
        string url;
        switch (sourceType)
        {
            case "base64":
                var mediaType = AnthropicJson.String(source["media_type"], path + ".source.media_type");
                if (!ImageTypes.Contains(mediaType))
                {
                    throw new InvalidAnthropicRequest(path + ".source.media_type", "Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'");
                }

                url = $"data:{mediaType};base64,{AnthropicJson.String(source["data"], path + ".source.data")}";
                break;
            case "url":
                url = AnthropicJson.String(source["url"], path + ".source.url");
                if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
                {
                    throw new InvalidAnthropicRequest(path + ".source.url", "Input should be an http or https URL");
                }

                break;
            default:
                throw new InvalidAnthropicRequest(path + ".source.type",
                    $"image source '{sourceType}' is not supported by this gateway; send the image as base64 or a URL");
        }

        var part = new JsonObject { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = url } };
        AnthropicJson.CopyCacheControl(block, part, path);
        return part;
    }

    private static JsonObject Document(JsonObject block, string path)
    {
        var source = AnthropicJson.Object(block["source"], path + ".source");
        var sourceType = AnthropicJson.String(source["type"], path + ".source.type");
        var title = AnthropicJson.OptionalString(block["title"], path + ".title");
        var plainPdf = sourceType == "base64"
            && AnthropicJson.OptionalString(source["media_type"], path + ".source.media_type") == "application/pdf"
            && block.All(member => member.Key is "type" or "source" or "title" or "cache_control");
        if (!plainPdf)
        {
            return block.DeepClone().AsObject();
        }

        var file = new JsonObject { ["file_data"] = $"data:application/pdf;base64,{AnthropicJson.String(source["data"], path + ".source.data")}" };
        if (title is not null)
        {
            file["filename"] = title;
        }

        var part = new JsonObject { ["type"] = "file", ["file"] = file };
        AnthropicJson.CopyCacheControl(block, part, path);
        return part;
    }
}
