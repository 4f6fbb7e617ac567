namespace AiMesh.Contracts.Routing;

public sealed record ModelsListed(Guid RequestId, IReadOnlyList<ModelDescription> Models);
