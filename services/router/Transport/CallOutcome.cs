using AiMesh.Contracts.Routing;

namespace AiMesh.Router.Transport;

/// <summary>What one provider call produced. A class, not a record, so that nothing prints the answer body.</summary>
internal sealed class CallOutcome
{
    /// <summary>Null when the provider answered completely.</summary>
    public ProviderFailure? Failure { get; init; }

    /// <summary>The translated answer of a call that was not streamed.</summary>
    public string? Body { get; init; }

    /// <summary>The last usage the provider reported, also when the call failed later.</summary>
    public TokenUsage? Usage { get; init; }

    /// <summary>Chunks already sent to the client.</summary>
    public int ChunkCount { get; init; }

    /// <summary>Time to the response headers, or for a stream to its first event.</summary>
    public double? FirstByteMs { get; init; }

    /// <summary>Provider calls made: 0 when none started.</summary>
    public int Attempts { get; init; }

    /// <summary>
    /// The provider began answering (a 2xx's headers for a whole answer, the first event of a stream): from here on it
    /// bills the call even when it does not complete. See <see cref="Pricing.CallCost"/>.
    /// </summary>
    public bool AnswerStarted { get; init; }

    /// <summary>The chunks sent to the client, in order (streams only): what an output estimate counts when no usage came.</summary>
    public IReadOnlyList<string>? Relayed { get; init; }

    public static CallOutcome NotAttempted(FailureKind kind) => new() { Failure = new ProviderFailure(kind) };
}
