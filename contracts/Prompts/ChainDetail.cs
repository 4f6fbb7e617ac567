namespace AiMesh.Contracts.Prompts;

/// <summary>
/// A stored prompt chain: ordered steps, each step's output available to later steps as a variable. <paramref name="Model"/>
/// is the model of every step that names none. <paramref name="OrganizationId"/> scopes it as a prompt is scoped (null: the
/// whole deployment's, seen only by admins).
/// </summary>
public sealed record ChainDetail(
    string Name,
    string? OrganizationId,
    string? Model,
    IReadOnlyList<ChainStepDetail> Steps,
    DateTimeOffset Updated,
    string UpdatedBy);
