namespace AiMesh.Contracts.Prompts;

/// <summary>
/// An API was published, changed or withdrawn, or a prompt changed (a moved label changes the version an API runs):
/// every ingress replica asks for the list again (<see cref="ListPromptApis"/>). It names only the prompt; the list is
/// read fresh, so events arriving out of order do no harm.
/// </summary>
public sealed record PromptApisChanged(string Name);
