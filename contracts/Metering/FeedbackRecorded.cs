namespace AiMesh.Contracts.Metering;

/// <summary>The answer to <see cref="RecordFeedback"/> when the score is kept; <paramref name="Replaced"/> when it replaced an earlier one.</summary>
[TransientMessage]
public sealed record FeedbackRecorded(Guid RequestId, Guid ScoredRequestId, double Score, bool Replaced);
