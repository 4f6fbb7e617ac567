namespace AiMesh.Policy.Admin;

/// <summary>The body of <c>PUT …/{id}/limits</c>: it replaces the subject's limits; a kind left out is not limited here.</summary>
internal sealed record SetLimitsRequest(int? RequestsPerSecond, int? RequestsPerMinute, int? TokensPerMinute, int? Concurrent);
