using System.Globalization;

namespace AiMesh.Router.Providers.Gemini;

/// <summary>
/// Gemini's function calls have no ids; OpenAI's tool calls need one, and the tool result names it. The ids are made
/// from the request id and the call's position, so they are unique across a conversation and the same in a streamed
/// and a whole answer. A Gemini 3 call also carries a <c>thoughtSignature</c> that must be sent back with the call
/// in the next turn (the API refuses the history otherwise); OpenAI clients only round-trip the id, so the signature
/// rides in it, after <see cref="SignatureSeparator"/>, and is taken out again when the history comes back.
/// Such ids are long: a conversation carried on with OpenAI itself (which caps ids at 40 characters) would need them shortened.
/// </summary>
internal static class GeminiToolCallIds
{
    /// <summary>Not a base64 character, so it cannot occur in the signature or in the generated part before it.</summary>
    public const string SignatureSeparator = "~ts~";

    public static string Create(Guid requestId, int candidate, int call, string? thoughtSignature)
    {
        var id = string.Create(CultureInfo.InvariantCulture, $"call_{requestId:N}_{candidate}_{call}");
        return string.IsNullOrEmpty(thoughtSignature) ? id : id + SignatureSeparator + thoughtSignature;
    }

    /// <summary>The signature carried in <paramref name="id"/>, or null.</summary>
    public static string? Signature(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        var at = id.IndexOf(SignatureSeparator, StringComparison.Ordinal);
        return at < 0 || at + SignatureSeparator.Length == id.Length ? null : id[(at + SignatureSeparator.Length)..];
    }
}
