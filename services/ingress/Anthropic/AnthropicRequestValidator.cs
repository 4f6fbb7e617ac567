using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using AiMesh.Ingress.OpenAi;

namespace AiMesh.Ingress.Anthropic;

/// <summary>
/// The Anthropic surface's request check for <see cref="CompletionExchange"/>: the body must be JSON within the
/// depth limit with a model (<see cref="RequestDocument"/>, shared with the OpenAI surface), and an Anthropic Messages
/// request (<see cref="AnthropicRequestTranslator"/>); what goes on is the canonical OpenAI request. The mesh meters
/// and routes it as <c>chat.completions</c>: one model call, whichever surface it came in on.
/// </summary>
internal static class AnthropicRequestValidator
{
    // The canonical body travels as text; non-ASCII text stays as it is rather than six bytes per character.
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static (ValidatedRequest? Request, ApiError? Error) Validate(byte[] body, int maxDepth)
    {
        var (canonical, user, error) = Canonical(body, maxDepth);
        if (error is not null)
        {
            return (null, error);
        }

        var stream = canonical!["stream"] is not null;
        return (new ValidatedRequest("chat.completions", canonical["model"]!.GetValue<string>(), stream, false, user, null, canonical.ToJsonString(Compact), null, canonical["max_tokens"]?.GetValue<long>()), null);
    }

    /// <summary>The canonical request; <paramref name="counting"/> for a <c>count_tokens</c> request.</summary>
    public static (JsonObject? Request, string? User, ApiError? Error) Canonical(byte[] body, int maxDepth, bool counting = false)
    {
        var (document, _, opened) = RequestDocument.Open(body, maxDepth);
        if (opened is not null)
        {
            return (null, null, opened);
        }

        document!.Dispose();
        JsonObject root;
        try
        {
            // A member named twice has no single meaning (and a JsonObject cannot hold it): refused, not picked.
            root = JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = maxDepth, AllowDuplicateProperties = false })!.AsObject();
        }
        catch (JsonException)
        {
            return (null, null, ApiError.Invalid("The request body names a member twice in one object.", null, "invalid_json"));
        }

        return AnthropicRequestTranslator.Translate(root, counting);
    }
}
