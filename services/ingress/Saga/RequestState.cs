using AiMesh.Contracts.Policy;
using AiMesh.Contracts.Metering;
using AiMesh.Ingress.Bodies;
using MassTransit;

namespace AiMesh.Ingress.Saga;

/// <summary>One request's progress. <see cref="CorrelationId"/> is the request id.</summary>
public sealed class RequestState : SagaStateMachineInstance
{
    public Guid CorrelationId { get; set; }

    public string CurrentState { get; set; } = "";

    /// <summary>This instance's endpoint: where routers stream the request's chunks.</summary>
    public Uri? ReplyAddress { get; set; }

    public string Api { get; set; } = "";

    public string Model { get; set; } = "";

    public string Body { get; set; } = "";

    public bool Stream { get; set; }

    public bool HasPrompt { get; set; }

    public string? ClientAddress { get; set; }

    public string? User { get; set; }

    public IReadOnlyDictionary<string, string>? Tags { get; set; }

    public IReadOnlyDictionary<string, string>? ClientHeaders { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset Deadline { get; set; }

    public string? PrincipalId { get; set; }

    public string? KeyId { get; set; }

    /// <summary>The team policy admitted the request for, metered with it.</summary>
    public string? TeamId { get; set; }

    /// <summary>The organization policy admitted the request for (a stored key's), metered with it.</summary>
    public string? OrganizationId { get; set; }

    /// <summary>The key's tags as policy admitted them, for the router's rules (<c>RouteCompletion.KeyTags</c>).</summary>
    public IReadOnlyDictionary<string, string>? KeyTags { get; set; }

    /// <summary>The key's team's tags, for the router's rules (<c>RouteCompletion.TeamTags</c>).</summary>
    public IReadOnlyDictionary<string, string>? TeamTags { get; set; }

    /// <summary>Data residency: the regions the request may be served in (<c>RouteCompletion.Regions</c>); null: any.</summary>
    public IReadOnlyList<string>? Regions { get; set; }

    public string? PromptId { get; set; }

    public string? PromptVersion { get; set; }

    public bool Abandoned { get; set; }

    /// <summary>The authorization carried the routing request, for policy to send on (see <c>IngressOptions.RouteThroughPolicy</c>).</summary>
    public bool RouteAttached { get; set; }

    /// <summary>The usage record of a request the router answered before policy's admission arrived, waiting for it.</summary>
    public RecordUsage? EarlyUsage { get; set; }

    /// <summary>The rate-limit counters policy charged for this request, handed back when it ends; null when none.</summary>
    public LimitSettlement? Settlement { get; set; }

    /// <summary>The chain run this request is a step of (its answer goes to that run's saga); null for a client's own request.</summary>
    public Guid? ChainRunId { get; set; }

    /// <summary>A logged chain step's request body as the chain made it (a step has no exchange to hand it to its capture).</summary>
    internal byte[]? StepRequest { get; set; }

    /// <summary>The request's bodies being kept (the key or its team logs bodies); its usage record waits for them. Null when not logged.</summary>
    internal BodyCapture? Capture { get; set; }
}
