namespace AiMesh.Ingress.OpenAi;

/// <summary>What the ingress needs to know of a valid request; the body itself travels unchanged.</summary>
/// <param name="ClientHeaders">Allow-listed client headers for the provider (see <c>RouteCompletion.ClientHeaders</c>).</param>
internal sealed record ValidatedRequest(
    string Api,
    string Model,
    bool Stream,
    bool HasPrompt,
    string? User,
    IReadOnlyDictionary<string, string>? Tags,
    string Body,
    IReadOnlyDictionary<string, string>? ClientHeaders = null);
