using System.Text.Json;
using System.Text.Json.Nodes;

namespace AiMesh.Router.Providers.Azure;

/// <summary>
/// Makes an Azure OpenAI answer (a chat completion, a chunk, an embeddings list) the answer OpenAI would send: the
/// <c>model</c> is the client's public model name (Azure names its underlying model version), and Azure's own members
/// are removed: <c>prompt_filter_results</c> at the top and <c>content_filter_results</c> /
/// <c>content_filter_offsets</c> in each choice.
/// <para>
/// Why strip them: OpenAI's SDKs do not read them (the official .NET SDK keeps unknown members only as opaque extra
/// data; only Azure's own SDK extension reads them), so they carry nothing an OpenAI client uses, while the chunks
/// they come in would break one: Azure opens a stream with a chunk of <c>choices: []</c>, <c>id: ""</c>,
/// <c>model: ""</c> and <c>created: 0</c> that holds only the prompt's filter results, and with asynchronous
/// filtering sends choices with no <c>delta</c> at all. Those chunks are skipped. What the filter decided still
/// reaches the client the OpenAI way: <c>finish_reason: "content_filter"</c> when it cut the answer, or the 400
/// <c>content_filter</c> error when it refused the prompt.
/// </para>
/// </summary>
internal static class AzureAnswers
{
    private const string PromptFilterResults = "prompt_filter_results";
    private static readonly string[] ChoiceFilterMembers = ["content_filter_results", "content_filter_offsets"];

    /// <summary>Rewrites <paramref name="answer"/> in place.</summary>
    /// <returns>False when the object is an Azure filter-only chunk with nothing for an OpenAI client.</returns>
    public static bool Clean(JsonObject answer, string publicModel)
    {
        ArgumentNullException.ThrowIfNull(answer);
        answer.Remove(PromptFilterResults);
        var meaningful = false;
        if (answer["choices"] is JsonArray choices)
        {
            foreach (var choice in choices)
            {
                if (choice is not JsonObject member)
                {
                    meaningful = true;
                    continue;
                }

                foreach (var name in ChoiceFilterMembers)
                {
                    member.Remove(name);
                }

                meaningful |= member["delta"] is not null || member["message"] is not null || HasValue(member["finish_reason"]);
            }
        }

        meaningful |= HasValue(answer["usage"]) || answer["data"] is not null;
        answer["model"] = publicModel;
        return meaningful;
    }

    private static bool HasValue(JsonNode? node) => node is not null && node.GetValueKind() != JsonValueKind.Null;
}
