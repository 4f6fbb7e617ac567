namespace AiMesh.Contracts.Metering;

/// <summary>
/// A caller's score of one of its requests (<c>POST /v1/feedback</c>), sent by the ingress once policy admitted the
/// caller; answered by <see cref="FeedbackRecorded"/> or <see cref="FeedbackRefused"/> (queue <c>aimesh-metering-queries</c>).
/// Metering keeps one score per request: a later one replaces it. It is kept only when the request's usage event names
/// the same key, or the same user principal, as the caller; anything else (another's request, one not recorded yet) is
/// the same 404.
/// </summary>
/// <param name="ScoredRequestId">The request scored (the <c>x-request-id</c> its answer carried).</param>
/// <param name="Score">From -1 (bad) to 1 (good).</param>
/// <param name="Comment">Optional words, at most 2,000 characters; never logged.</param>
/// <param name="KeyId">The caller's key, as policy admitted it.</param>
/// <param name="PrincipalId">The caller's principal, as policy admitted it.</param>
[TransientMessage]
public sealed record RecordFeedback(Guid RequestId, Guid ScoredRequestId, double Score, string? Comment, string KeyId, string PrincipalId);
