using System.Security.Cryptography;
using System.Text;

namespace AiMesh.Router.Providers.Mistral;

/// <summary>
/// Mistral accepts only tool call ids of exactly nine letters and digits (its own answers use such ids), and refuses a
/// conversation with any other (<c>call_…</c> from OpenAI, <c>toolu_…</c> from Anthropic) with a 422. An id is an opaque
/// token whose only meaning is which tool result answers which call, so a foreign id is replaced by one derived from it
/// (the first nine base-62 digits of its SHA-256), the same wherever it occurs — in the assistant's <c>tool_calls</c>
/// and in the <c>tool</c> message's <c>tool_call_id</c> — and the same in every request. Ids Mistral issued pass as
/// they are.
/// </summary>
internal static class MistralToolCallIds
{
    public const int Length = 9;

    private const string Digits = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    public static bool IsMistralId(string id) => id.Length == Length && id.All(char.IsAsciiLetterOrDigit);

    public static string ToMistral(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (IsMistralId(id))
        {
            return id;
        }

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(id), hash);
        Span<char> result = stackalloc char[Length];
        for (var i = 0; i < Length; i++)
        {
            result[i] = Digits[hash[i] % Digits.Length];
        }

        return new string(result);
    }
}
