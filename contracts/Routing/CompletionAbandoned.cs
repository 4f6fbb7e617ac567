namespace AiMesh.Contracts.Routing;

/// <summary>
/// Published when the client of a request went away or its deadline passed: whichever router replica is
/// calling the provider for it cancels that call at once.
/// </summary>
[TransientMessage]
public sealed record CompletionAbandoned(Guid RequestId, string Reason);
