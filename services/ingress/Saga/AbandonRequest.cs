namespace AiMesh.Ingress.Saga;

/// <summary>The client of a request went away. Private to the ingress.</summary>
public sealed record AbandonRequest(Guid RequestId);
