using AiMesh.Contracts.Policy;
using AiMesh.Contracts.Prompts;
using AiMesh.Ingress.Saga;

namespace AiMesh.Ingress.Chains;

/// <summary>
/// Starts a chain run's saga (<see cref="ChainStateMachine"/>). Private to the ingress, like
/// <see cref="SubmitCompletion"/>: it never leaves this process. It carries the hash of the client's credential, never
/// the credential; each step is submitted with it, so each is admitted by policy as the caller.
/// </summary>
/// <param name="Input">The run's input object, as JSON text.</param>
/// <param name="Deadline">The whole run's deadline: each step's request gets what is left of it.</param>
public sealed record StartChain(
    Guid RunId,
    ChainDetail Chain,
    string Input,
    string CredentialHash,
    VerifiedPrincipal? Principal,
    string? ClientAddress,
    DateTimeOffset Deadline);

/// <summary>
/// A step's request ended: the request saga's answer for it (<see cref="CompletionAnswered"/>, an error when it failed),
/// handed to the chain saga in place of a relay (a step has no client of its own). Private to the ingress.
/// </summary>
public sealed record ChainStepAnswered(Guid RunId, Guid StepRequestId, CompletionAnswered Answer);

/// <summary>The run is given up (its client left, or its exchange stopped waiting): the step under way is abandoned. Private to the ingress.</summary>
public sealed record AbandonChain(Guid RunId, string Reason);
