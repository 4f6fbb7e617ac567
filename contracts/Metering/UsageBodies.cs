namespace AiMesh.Contracts.Metering;

/// <summary>
/// A request's bodies as the ingress kept them for body logging: already redacted (no credential travels in clear,
/// docs/contracts.md rule 7), each cut to the ingress's <c>Ingress:BodyLogMaxBytes</c> of UTF-8.
/// </summary>
/// <param name="Request">The request body as the client sent it (a cut one is no longer JSON); null when none was kept.</param>
/// <param name="Response">The answer as the client got it: a whole answer's JSON body, or for a stream a JSON object with
/// each choice's assembled content and tool calls; null when none was kept (an error answer, a client gone before any).</param>
/// <param name="RequestTruncated">The request was longer than the cap and was cut.</param>
/// <param name="ResponseTruncated">The answer was longer than the cap and was cut.</param>
/// <param name="Rendered">For a request naming a stored prompt, the body the provider was asked with: the chat request with
/// the template's messages rendered (<c>PromptRendered.Body</c>), redacted and capped like <paramref name="Request"/>;
/// null for any other request, and when rendering never finished.</param>
/// <param name="RenderedTruncated">The rendered body was longer than the cap and was cut.</param>
public sealed record UsageBodies(
    string? Request, string? Response, bool RequestTruncated = false, bool ResponseTruncated = false, string? Rendered = null, bool RenderedTruncated = false);
