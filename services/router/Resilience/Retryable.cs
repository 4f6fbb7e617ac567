using AiMesh.Router.Transport;

namespace AiMesh.Router.Resilience;

/// <summary>
/// Whether a failed call may be tried again: nothing reached the client (no chunk sent) and the failure is one a second
/// try can mend: no connection, no first byte in time, or a status that says "not now" (408, 429, 500, 502, 503, 504).
/// A 4xx about the request, an answer cut after it started, a refusal inside a stream, a client that left, a deadline
/// passed: never. An answer that had started is billed, and is never one of these.
/// </summary>
internal static class Retryable
{
    public static bool Is(CallOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return outcome.ChunkCount == 0 && !outcome.AnswerStarted && outcome.Failure is { } failure && failure.Kind switch
        {
            FailureKind.Unreachable or FailureKind.FirstByteTimeout => true,
            FailureKind.UpstreamStatus => failure.UpstreamStatus is 408 or 429 or 500 or 502 or 503 or 504,
            _ => false,
        };
    }
}
