using AiMesh.Contracts.Prompts;

namespace AiMesh.Policy.Admin;

/// <summary>
/// <c>PUT /admin/chains/{name}</c>: the whole definition, replacing what was there. <paramref name="OrganizationId"/> only
/// counts when the chain is created (as <see cref="CreatePromptRequest"/>); <paramref name="Model"/> is the model of every
/// step that names none. The prompts service checks the steps (<c>ChainRules</c>).
/// </summary>
internal sealed record SaveChainRequest(IReadOnlyList<ChainStepDetail>? Steps, string? Model = null, Guid? OrganizationId = null);
