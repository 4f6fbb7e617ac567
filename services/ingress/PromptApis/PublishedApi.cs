using AiMesh.Contracts.Prompts;
using NJsonSchema;

namespace AiMesh.Ingress.PromptApis;

/// <summary>A published prompt API as the ingress serves it: the prompts service's description, and its output schema parsed once.</summary>
internal sealed record PublishedApi(PromptApiDetail Detail, JsonSchema? OutputSchema)
{
    /// <summary>What policy authorizes for a call (a key's allowed models name it) and counts the API's limit under.</summary>
    public string AuthorizedAs => "prompt:" + Detail.Name;

    public bool JsonOutput => Detail.Output == "json";
}
