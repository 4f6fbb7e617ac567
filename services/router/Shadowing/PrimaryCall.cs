using AiMesh.Contracts.Routing;
using AiMesh.Router.Routing;

namespace AiMesh.Router.Shadowing;

/// <summary>
/// The primary's half of a sampled request, taken when its answer was shaped (<see cref="CompletionRouter"/>) and handed
/// to <see cref="ShadowTraffic.Start"/> once the client has it. Holds the answer's body or relayed chunks only to read
/// their text in the background; a class, not a record, so that nothing prints them.
/// </summary>
internal sealed class PrimaryCall
{
    public required RouteCompletion Route { get; init; }

    /// <summary>The model group that answered, after rules, splits and fallbacks.</summary>
    public required string Model { get; init; }

    /// <summary>The candidate group this request is also sent to.</summary>
    public required string ShadowModel { get; init; }

    public required string Deployment { get; init; }

    /// <summary>The HTTP status the client received.</summary>
    public required int Status { get; init; }

    public required double DurationMs { get; init; }

    public TokenUsage? Usage { get; init; }

    public Cost? Cost { get; init; }

    /// <summary>A whole answer's body; null for a stream or a failure.</summary>
    public string? Body { get; init; }

    /// <summary>A stream's chunks as relayed to the client; null for a whole answer.</summary>
    public IReadOnlyList<string>? Relayed { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>The services that served the primary (the same adapters, transport, circuits, limits and credentials).</summary>
    public required CallAttemptServices Services { get; init; }

    /// <summary>The primary answer's text: its body's, or its relayed chunks'.</summary>
    public string? Text() => Body is not null ? AnswerText.OfAnswer(Route.Api, Body) : AnswerText.OfChunks(Route.Api, Relayed);
}
