using System.Text.Json.Nodes;

namespace AiMesh.Router.Providers.Anthropic;

/// <summary>
/// OpenAI message content (a string or content parts) as Anthropic content blocks. Text parts become text blocks,
/// <c>image_url</c> an image block (a <c>data:</c> URL a <c>base64</c> source, an http(s) URL a <c>url</c> source), a
/// PDF <c>file</c> a document block. Members Anthropic knows and OpenAI does not (<c>cache_control</c>, citations) stay
/// on the block; parts of a type OpenAI does not define are taken to be Anthropic blocks and passed untouched.
/// </summary>
internal static class AnthropicContent
{
    /// <summary>Appends the blocks of <paramref name="content"/>; empty text adds nothing (Anthropic refuses empty text blocks).</summary>
    public static void Append(JsonNode? content, List<JsonNode> blocks, List<string> unsupported)
    {
        switch (content)
        {
            case null:
                return;
            case JsonArray parts:
                foreach (var part in parts)
                {
                    AppendPart(part, blocks, unsupported);
                }

                return;
            default:
                if (JsonNodes.String(content) is { } text)
                {
                    AppendText(blocks, text);
                }
                else
                {
                    JsonNodes.AddOnce(unsupported, "messages[].content");
                }

                return;
        }
    }

    public static void AppendText(List<JsonNode> blocks, string text)
    {
        if (text.Length > 0)
        {
            blocks.Add(new JsonObject { ["type"] = "text", ["text"] = text });
        }
    }

    /// <summary>A block holding only text, which a message may carry as a plain string instead.</summary>
    public static string? PlainText(JsonNode block) =>
        block is JsonObject { Count: 2 } o && JsonNodes.String(o["type"]) == "text" ? JsonNodes.String(o["text"]) : null;

    private static void AppendPart(JsonNode? part, List<JsonNode> blocks, List<string> unsupported)
    {
        if (part is not JsonObject o)
        {
            JsonNodes.AddOnce(unsupported, "messages[].content");
            return;
        }

        switch (JsonNodes.String(o["type"]))
        {
            case "text":
                AppendTextPart(o, "text", blocks, unsupported);
                break;
            case "refusal":
                // An assistant's earlier refusal, as history: it is what the assistant said.
                AppendTextPart(o, "refusal", blocks, unsupported);
                break;
            case "image_url":
                AppendImage(o, blocks, unsupported);
                break;
            case "file":
                AppendFile(o, blocks, unsupported);
                break;
            case "input_audio":
                JsonNodes.AddOnce(unsupported, "input_audio");
                break;
            default:
                blocks.Add(o.DeepClone());
                break;
        }
    }

    private static void AppendTextPart(JsonObject part, string member, List<JsonNode> blocks, List<string> unsupported)
    {
        if (JsonNodes.String(part[member]) is not { } text)
        {
            JsonNodes.AddOnce(unsupported, "messages[].content");
            return;
        }

        if (text.Length == 0)
        {
            return;
        }

        var block = new JsonObject { ["type"] = "text", ["text"] = text };
        CopyExtras(part, block, "type", member);
        blocks.Add(block);
    }

    private static void AppendImage(JsonObject part, List<JsonNode> blocks, List<string> unsupported)
    {
        var image = part["image_url"];
        var url = image is JsonObject inner ? JsonNodes.String(inner["url"]) : JsonNodes.String(image);
        if (image is JsonObject withDetail && JsonNodes.String(withDetail["detail"]) is { } detail && detail != "auto")
        {
            // Anthropic picks the resolution itself; a "low" or "high" request would be silently ignored.
            JsonNodes.AddOnce(unsupported, "image_url.detail");
        }

        JsonObject source;
        if (url is not null && AnthropicDataUrl.TryParse(url, out var data))
        {
            source = new JsonObject { ["type"] = "base64", ["media_type"] = data.MediaType, ["data"] = data.Data };
        }
        else if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
        {
            source = new JsonObject { ["type"] = "url", ["url"] = url };
        }
        else
        {
            JsonNodes.AddOnce(unsupported, "image_url");
            return;
        }

        var block = new JsonObject { ["type"] = "image", ["source"] = source };
        CopyExtras(part, block, "type", "image_url");
        blocks.Add(block);
    }

    private static void AppendFile(JsonObject part, List<JsonNode> blocks, List<string> unsupported)
    {
        // Only inline PDFs have an Anthropic equivalent (a document block); OpenAI file ids live in OpenAI's storage.
        if (part["file"] is not JsonObject file
            || JsonNodes.String(file["file_data"]) is not { } fileData
            || !AnthropicDataUrl.TryParse(fileData, out var data)
            || !data.MediaType.Equals("application/pdf", StringComparison.OrdinalIgnoreCase))
        {
            JsonNodes.AddOnce(unsupported, "file");
            return;
        }

        var block = new JsonObject
        {
            ["type"] = "document",
            ["source"] = new JsonObject { ["type"] = "base64", ["media_type"] = data.MediaType, ["data"] = data.Data },
        };
        if (JsonNodes.String(file["filename"]) is { } filename)
        {
            block["title"] = filename;
        }

        CopyExtras(part, block, "type", "file");
        blocks.Add(block);
    }

    /// <summary>Members the OpenAI part does not define (<c>cache_control</c> and the like) go onto the block as they are.</summary>
    private static void CopyExtras(JsonObject part, JsonObject block, string skip1, string skip2)
    {
        foreach (var (name, value) in part)
        {
            if (name != skip1 && name != skip2)
            {
                block[name] = value?.DeepClone();
            }
        }
    }
}
