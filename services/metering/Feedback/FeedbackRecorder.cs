using AiMesh.Contracts.Metering;
using AiMesh.Metering.Storage;
using Microsoft.EntityFrameworkCore;

namespace AiMesh.Metering.Feedback;

/// <summary>
/// Keeps a caller's score of a request (<see cref="RecordFeedback"/>) when the request is the caller's: its usage event
/// names the caller's key, or the caller is a user and the event names that user (a user may score what any of its keys
/// asked). Anything else, like a request metering has not recorded (yet), is the same 404, so a caller learns nothing of
/// others' requests. Choice: the score is -1 to 1 (a thumb down is -1, up is 1, anything between allowed), because
/// most products ask for a thumb, and a mean of thumbs then reads directly as net satisfaction.
/// </summary>
internal sealed class FeedbackRecorder(MeteringDbContext db, SchemaState schema, TimeProvider time, ILogger<FeedbackRecorder> logger)
{
    private const string UserPrincipal = "user:";

    public async Task<object> RecordAsync(RecordFeedback feedback, CancellationToken cancellationToken)
    {
        if (double.IsNaN(feedback.Score) || feedback.Score is < -1 or > 1)
        {
            return new FeedbackRefused(feedback.RequestId, 400, "invalid_score", "'score' must be a number from -1 (bad) to 1 (good).");
        }

        if (feedback.Comment is { Length: > FeedbackTable.MaxComment })
        {
            return new FeedbackRefused(feedback.RequestId, 400, "invalid_comment", $"'comment' must be at most {FeedbackTable.MaxComment} characters.");
        }

        if (!schema.IsReady)
        {
            return new FeedbackRefused(feedback.RequestId, 503, "metering_unavailable", "Feedback cannot be kept now; retry shortly.");
        }

        var owner = await db.UsageEvents.AsNoTracking()
            .Where(e => e.RequestId == feedback.ScoredRequestId)
            .Select(e => new { e.KeyId, e.PrincipalId })
            .SingleOrDefaultAsync(cancellationToken);
        var mine = owner is not null && (
            (feedback.KeyId.Length > 0 && owner.KeyId == feedback.KeyId) ||
            (feedback.PrincipalId.StartsWith(UserPrincipal, StringComparison.Ordinal) && owner.PrincipalId == feedback.PrincipalId));
        if (!mine)
        {
            MeteringLog.FeedbackRefused(logger, feedback.ScoredRequestId, owner is null);
            return new FeedbackRefused(feedback.RequestId, 404, "request_not_found",
                "No request of yours with that id has been recorded; a request's usage is recorded within seconds of its answer.");
        }

        var replaced = await FeedbackTable.UpsertAsync(db, feedback, time.GetUtcNow(), cancellationToken);
        MeteringLog.FeedbackRecorded(logger, feedback.ScoredRequestId, feedback.Score, replaced);
        return new FeedbackRecorded(feedback.RequestId, feedback.ScoredRequestId, feedback.Score, replaced);
    }
}
