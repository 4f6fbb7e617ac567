using AiMesh.Contracts.Metering;
using AiMesh.Metering.Storage;
using AiMesh.Metering.Configuration;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AiMesh.Metering.Feedback;

/// <summary>
/// Keeps a caller's score of a request (<see cref="RecordFeedback"/>) when the request is the caller's: its usage event
/// names the caller's key, or the caller is a user and the event names that user (a user may score what any of its keys
/// asked). Anything else, like a request metering has not recorded, is the same 404, so a caller learns nothing of
/// others' requests. Choice: the score is -1 to 1 (a thumb down is -1, up is 1, anything between allowed), because
/// most products ask for a thumb, and a mean of thumbs then reads directly as net satisfaction.
/// <para>
/// A request with no usage event yet is waited for, up to <see cref="MeteringOptions.FeedbackWait"/> (3 s), looking
/// again every <see cref="LookAgain"/>: its record may still be on its way (the ingress batches records, metering
/// batches writes), and a client that scores an answer the moment it has it must not be told the request does not exist.
/// Only a missing event waits: another caller's request is refused at once. A wait holds one of the queries queue's
/// consumers, and the <c>feedback</c> operation has no rate limit at policy, so at most <see cref="FeedbackWaits.Limit"/>
/// posts wait at once per replica; beyond, one is answered as before the wait existed (404 when its event is not there).
/// </para>
/// </summary>
internal sealed class FeedbackRecorder(
    MeteringDbContext db, SchemaState schema, TimeProvider time, FeedbackWaits waits, IOptions<MeteringOptions> options, ILogger<FeedbackRecorder> logger)
{
    private const string UserPrincipal = "user:";
    private static readonly TimeSpan LookAgain = TimeSpan.FromMilliseconds(100);

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

        var owner = await OwnerAsync(feedback.ScoredRequestId, cancellationToken);
        if (owner is null && waits.TryEnter())
        {
            try
            {
                for (var waitUntil = time.GetUtcNow() + options.Value.FeedbackWait; owner is null && time.GetUtcNow() < waitUntil;)
                {
                    await Task.Delay(LookAgain, time, cancellationToken);
                    owner = await OwnerAsync(feedback.ScoredRequestId, cancellationToken);
                }
            }
            finally
            {
                waits.Exit();
            }
        }

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

    private Task<Owner?> OwnerAsync(Guid requestId, CancellationToken cancellationToken) =>
        db.UsageEvents.AsNoTracking()
            .Where(e => e.RequestId == requestId)
            .Select(e => new Owner(e.KeyId, e.PrincipalId))
            .SingleOrDefaultAsync(cancellationToken);

    private sealed record Owner(string KeyId, string PrincipalId);
}

/// <summary>How many feedback posts of this replica are waiting for their request's usage event (see <see cref="FeedbackRecorder"/>).</summary>
internal sealed class FeedbackWaits
{
    public const int Limit = 8;

    private int _waiting;

    public bool TryEnter()
    {
        if (Interlocked.Increment(ref _waiting) <= Limit)
        {
            return true;
        }

        Interlocked.Decrement(ref _waiting);
        return false;
    }

    public void Exit() => Interlocked.Decrement(ref _waiting);
}
