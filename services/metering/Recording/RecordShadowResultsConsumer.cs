using AiMesh.Contracts.Metering;
using AiMesh.Metering.Storage;
using MassTransit;

namespace AiMesh.Metering.Recording;

/// <summary>
/// Keeps the routers' shadow results (<see cref="RecordShadowResults"/>, on the reports' queue
/// <c>aimesh-metering-reports</c>) in <c>shadow_results</c> with one insert per message, a result already kept ignored
/// (insert-or-ignore on request id and shadow model). Nothing is published and nothing else is written: a shadow call is
/// not usage (no usage event, rollup, <c>UsageMetered</c> or budget charge), only compared in <c>/admin/usage/shadow</c>.
/// A result that could never be compared (a required member missing, a duration or similarity out of range) faults the
/// message at once; a store outage is waited out (the endpoint's retry and kill switch, <see cref="StoreReliability"/>).
/// </summary>
internal sealed class RecordShadowResultsConsumer(
    IServiceScopeFactory scopes,
    SchemaState schema,
    TimeProvider time,
    MeteringMetrics metrics,
    ILogger<RecordShadowResultsConsumer> logger) : IConsumer<RecordShadowResults>
{
    public async Task Consume(ConsumeContext<RecordShadowResults> context)
    {
        var results = (context.Message.Results ?? []).Select(Checked).DistinctBy(r => (r.RequestId, r.ShadowModel)).ToArray();
        if (results.Length == 0)
        {
            return;
        }

        schema.ThrowIfNotReady();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MeteringDbContext>();
        var inserted = await ShadowResultTable.InsertAsync(db, results, time.GetUtcNow(), context.CancellationToken);
        metrics.ShadowResultsKept(inserted);
        MeteringLog.ShadowResultsKept(logger, results.Length, inserted);
    }

    /// <summary>What the comparison needs, checked here so a result that could never be compared fails the message now (ArgumentException: not retried).</summary>
    private static ShadowResult Checked(ShadowResult? result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.RequestId == Guid.Empty)
        {
            throw new ArgumentException("A shadow result needs its request id.", nameof(result));
        }

        ArgumentException.ThrowIfNullOrEmpty(result.Api, nameof(result));
        ArgumentException.ThrowIfNullOrEmpty(result.ModelRequested, nameof(result));
        ArgumentException.ThrowIfNullOrEmpty(result.PrimaryModel, nameof(result));
        ArgumentException.ThrowIfNullOrEmpty(result.ShadowModel, nameof(result));
        if (!double.IsFinite(result.PrimaryDurationMs) || result.PrimaryDurationMs < 0 || !double.IsFinite(result.ShadowDurationMs) || result.ShadowDurationMs < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(result), "A shadow result's durations are finite and not negative.");
        }

        if (result.Similarity is { } similarity && !(similarity is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(result), "A shadow result's similarity is from 0 to 1.");
        }

        return result;
    }
}
