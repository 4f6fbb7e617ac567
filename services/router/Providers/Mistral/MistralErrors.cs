using System.Text;
using System.Text.Json;
using AiMesh.Router.Providers.OpenAi;

namespace AiMesh.Router.Providers.Mistral;

/// <summary>
/// Mistral's error bodies: <c>{"object":"error","message","type","param","code"}</c> (its API errors, the message
/// sometimes an object: <c>{"detail":[{"type","loc","msg"}]}</c> for a request it could not validate), and
/// <c>{"message":"Unauthorized","request_id"}</c> from its gateway. The kind comes from the type and the words:
/// a prompt "too large for model with … maximum context length" is the context error, a rate limit or exhausted
/// capacity the rate limit, an unauthorized key the credentials failure; anything else lets the status decide.
/// </summary>
internal static class MistralErrors
{
    private static readonly string[] ContextLengthPhrases = ["maximum context length", "too large for model", "context length"];

    public static UpstreamError Read(ReadOnlySpan<byte> body) =>
        ProviderJson.Read(body, 0, static (_, root) => Read(root), UpstreamError.None);

    public static UpstreamError Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return UpstreamError.None;
        }

        // An OpenAI-style envelope, from a proxy in front of Mistral.
        if (root.TryGetProperty("error", out var envelope) && envelope.ValueKind == JsonValueKind.Object)
        {
            root = envelope;
        }

        var message = Message(root);
        var type = Token(root, "type");
        var code = Token(root, "code") ?? type;
        return new UpstreamError(message, code, Token(root, "param"), KindOf(type, message));
    }

    private static UpstreamErrorKind KindOf(string? type, string? message)
    {
        if (message is not null && ContextLengthPhrases.Any(phrase => message.Contains(phrase, StringComparison.OrdinalIgnoreCase)))
        {
            return UpstreamErrorKind.ContextLengthExceeded;
        }

        if (type is "rate_limit_error" or "service_tier_capacity_exceeded"
            || (message is not null && message.Contains("rate limit", StringComparison.OrdinalIgnoreCase)))
        {
            return UpstreamErrorKind.RateLimited;
        }

        if (type is "authentication_error" or "unauthorized" || message is "Unauthorized")
        {
            return UpstreamErrorKind.AuthenticationFailed;
        }

        return type is "invalid_request_error" or "invalid_request_message_error" ? UpstreamErrorKind.InvalidRequest : UpstreamErrorKind.Unknown;
    }

    /// <summary>The message as text: a string as it is; validation details as "loc: msg" lines joined.</summary>
    private static string? Message(JsonElement root)
    {
        if (!root.TryGetProperty("message", out var message) && !root.TryGetProperty("detail", out message))
        {
            return null;
        }

        if (message.ValueKind == JsonValueKind.String)
        {
            return message.GetString();
        }

        if (message.ValueKind == JsonValueKind.Object && message.TryGetProperty("detail", out var detail))
        {
            message = detail;
        }

        if (message.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var text = new StringBuilder();
        foreach (var item in message.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object || Token(item, "msg") is not { } msg)
            {
                continue;
            }

            if (text.Length > 0)
            {
                text.Append("; ");
            }

            if (item.TryGetProperty("loc", out var loc) && loc.ValueKind == JsonValueKind.Array)
            {
                text.AppendJoin('.', loc.EnumerateArray().Select(part => part.ValueKind == JsonValueKind.String ? part.GetString() : part.GetRawText()));
                text.Append(": ");
            }

            text.Append(msg);
        }

        return text.Length == 0 ? null : text.ToString();
    }

    private static string? Token(JsonElement parent, string name) => OpenAiErrors.Text(parent, name);
}
