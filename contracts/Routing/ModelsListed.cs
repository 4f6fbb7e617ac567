namespace AiMesh.Contracts.Routing;

[TransientMessage]
public sealed record ModelsListed(Guid RequestId, IReadOnlyList<ModelDescription> Models);
