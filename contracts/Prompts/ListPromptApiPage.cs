namespace AiMesh.Contracts.Prompts;

/// <summary>
/// Asks the prompts service for a page of published prompt APIs by prompt name (of one organization when
/// <paramref name="OrganizationId"/> is set), each with the version and model it runs now; answered by
/// <see cref="PromptApiPageListed"/> (queue <c>aimesh-prompts-admin</c>). Policy's <c>GET /admin/prompts/apis</c> asks it.
/// A type apart from <see cref="ListPromptApis"/> (the ingress's whole list) because a prompts service that predates
/// it must not answer it with every tenant's APIs: it does not answer at all, which the admin API reports as 503.
/// </summary>
[TransientMessage]
public sealed record ListPromptApiPage(Guid RequestId, string? OrganizationId, int Offset, int Limit);
