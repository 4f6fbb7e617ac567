using System.Text.Json.Nodes;
using AiMesh.Contracts.Policy;
using AiMesh.Contracts.Prompts;
using MassTransit;

namespace AiMesh.Ingress.Chains;

/// <summary>One chain run's progress. <see cref="CorrelationId"/> is the run id (the answer's <c>id</c>).</summary>
public sealed class ChainState : SagaStateMachineInstance
{
    public Guid CorrelationId { get; set; }

    public string CurrentState { get; set; } = "";

    public ChainDetail Chain { get; set; } = null!;

    /// <summary>The run's input object, which the steps' variables read (<c>$input.field</c>).</summary>
    internal JsonObject Input { get; set; } = [];

    public string CredentialHash { get; set; } = "";

    public VerifiedPrincipal? Principal { get; set; }

    public string? ClientAddress { get; set; }

    public DateTimeOffset Deadline { get; set; }

    /// <summary>The step under way (0-based).</summary>
    public int Step { get; set; }

    /// <summary>The request id of the step under way: the only step answer the run takes.</summary>
    public Guid StepRequestId { get; set; }

    /// <summary>The outputs of the steps that completed, by step name, for the later steps' variables.</summary>
    public Dictionary<string, string> Outputs { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The steps that completed, in order, as the answer shows them.</summary>
    internal List<ChainStepResult> Completed { get; set; } = [];
}
