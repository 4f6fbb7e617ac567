using System.Text.Json;
using System.Text.Json.Nodes;

namespace AiMesh.Ingress.OpenAi;

/// <summary>
/// A chat completion may name its prompt in headers instead of the body's <c>prompt</c> member, for clients whose SDK
/// cannot add a member to the body: <c>x-aimesh-prompt</c> (the prompt's name), <c>x-aimesh-prompt-version</c> or
/// <c>x-aimesh-prompt-label</c>, and <c>x-aimesh-prompt-variables</c> (a JSON object; characters outside ASCII as
/// <c>\uXXXX</c>, since header values are ASCII). The headers are folded into the body's <c>prompt</c> member before the
/// body is checked, so everything after (policy, the saga, prompts, the usage record) sees one shape.
/// <para>
/// Choice: naming a prompt in both places is refused rather than merged: which one wins would be a guess, and a
/// client that sets both has a bug it should learn about. Without <c>x-aimesh-prompt</c> the other three headers are
/// refused too, never ignored.
/// </para>
/// </summary>
internal static class PromptHeaders
{
    public const string Name = "x-aimesh-prompt";
    public const string Version = "x-aimesh-prompt-version";
    public const string Label = "x-aimesh-prompt-label";
    public const string Variables = "x-aimesh-prompt-variables";

    /// <summary>The body with the headers' prompt in it; the body unchanged when no prompt header is present.</summary>
    public static (byte[]? Body, ApiError? Error) Fold(IHeaderDictionary headers, byte[] body, int maxDepth)
    {
        var name = One(headers, Name);
        if (name is null)
        {
            foreach (var other in new[] { Version, Label, Variables })
            {
                if (headers.ContainsKey(other))
                {
                    return (null, ApiError.Invalid($"The header '{other}' needs '{Name}' naming the prompt.", other, "invalid_prompt"));
                }
            }

            return (body, null);
        }

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = maxDepth });
        }
        catch (JsonException)
        {
            // Not JSON: the validator reports it in its own words.
            return (body, null);
        }

        if (root is not JsonObject request)
        {
            return (body, null);
        }

        if (request["prompt"] is not null)
        {
            return (null, ApiError.Invalid($"Name the prompt in the body's 'prompt' or in the '{Name}' header, not both.", "prompt", "invalid_prompt"));
        }

        if (name.Length == 0)
        {
            return (null, ApiError.Invalid($"The header '{Name}' must name a prompt.", Name, "invalid_prompt"));
        }

        var prompt = new JsonObject { ["id"] = name };
        if (One(headers, Version) is { } version)
        {
            // A number when it reads as one, as a version is usually written in the body.
            prompt["version"] = long.TryParse(version, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number)
                ? JsonValue.Create(number)
                : JsonValue.Create(version);
        }

        if (One(headers, Label) is { } label)
        {
            prompt["label"] = label;
        }

        if (One(headers, Variables) is { } variables)
        {
            JsonNode? parsed;
            try
            {
                parsed = JsonNode.Parse(variables, documentOptions: new JsonDocumentOptions { MaxDepth = maxDepth });
            }
            catch (JsonException)
            {
                parsed = null;
            }

            if (parsed is not JsonObject)
            {
                return (null, ApiError.Invalid($"The header '{Variables}' must be a JSON object.", Variables, "invalid_prompt"));
            }

            prompt["variables"] = parsed;
        }

        request["prompt"] = prompt;
        return (JsonSerializer.SerializeToUtf8Bytes(request), null);
    }

    /// <summary>A header's value; sent twice, its values joined by a comma as HTTP says (and then refused downstream when that makes no sense).</summary>
    private static string? One(IHeaderDictionary headers, string name) =>
        headers.TryGetValue(name, out var values) && values.Count > 0 ? string.Join(',', values.ToArray()).Trim() : null;
}
