namespace AiMesh.Contracts.Metering;

/// <summary>The answer to <see cref="RecordFeedback"/> when the score is not kept: an HTTP-like status (400, 404, 503), a stable code and words safe to show.</summary>
[TransientMessage]
public sealed record FeedbackRefused(Guid RequestId, int Status, string Code, string Message);
