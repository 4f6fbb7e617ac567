namespace AiMesh.Contracts.Prompts;

/// <summary>
/// One step of a prompt chain: the stored prompt it renders (a version, else a label, else the prompt's default), the
/// model it asks (else the chain's), and where each of the prompt's variables comes from. A source is
/// <c>$input.&lt;field&gt;</c> (the run's input object), <c>$steps.&lt;step&gt;.output</c> (an earlier step's answer
/// text), or any other string, taken as a literal value.
/// </summary>
public sealed record ChainStepDetail(
    string Name,
    string Prompt,
    int? Version,
    string? Label,
    IReadOnlyDictionary<string, string> Variables,
    string? Model);
