namespace AiMesh.Contracts.Prompts;

/// <summary>
/// Asks for every published prompt API with the version and model it runs now; answered by <see cref="PromptApisListed"/>.
/// The ingress asks at start and every <c>Ingress:PromptApis:ReloadInterval</c>, and when <see cref="PromptApisChanged"/> arrives.
/// </summary>
[TransientMessage]
public sealed record ListPromptApis(Guid RequestId);
