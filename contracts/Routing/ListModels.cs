namespace AiMesh.Contracts.Routing;

/// <summary>Asks the router for the public model catalog. Answered by <see cref="ModelsListed"/>.</summary>
[TransientMessage]
public sealed record ListModels(Guid RequestId);
