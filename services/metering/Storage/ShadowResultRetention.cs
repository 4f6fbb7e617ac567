using AiMesh.Metering.Configuration;
using Microsoft.Extensions.Options;

namespace AiMesh.Metering.Storage;

/// <summary>
/// Deletes shadow results that ended more than <c>Metering:Shadow:Retention</c> ago (90 days by default), once the schema
/// is ready and then every <c>Metering:Shadow:SweepInterval</c> (an hour), as <see cref="BodyRetention"/> does for logged
/// bodies. Every replica may sweep: a delete by age is idempotent. A failed sweep is logged and tried again at the next
/// interval; nothing else waits on it.
/// </summary>
internal sealed class ShadowResultRetention(
    IServiceScopeFactory scopes,
    SchemaState schema,
    IOptions<MeteringOptions> options,
    TimeProvider time,
    ILogger<ShadowResultRetention> logger) : BackgroundService
{
    /// <summary>Deletes what is past retention at <paramref name="now"/>; returns how many results went.</summary>
    public async Task<int> SweepAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MeteringDbContext>();
        var retention = options.Value.Shadow.Retention;
        var deleted = await ShadowResultTable.DeleteEndedBeforeAsync(db, now - retention, cancellationToken);
        if (deleted > 0)
        {
            MeteringLog.ShadowResultsSwept(logger, deleted, retention);
        }

        return deleted;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await schema.WhenReady.WaitAsync(stoppingToken);
            while (true)
            {
                try
                {
                    await SweepAsync(time.GetUtcNow(), stoppingToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException and not OutOfMemoryException)
                {
                    MeteringLog.ShadowSweepFailed(logger, exception);
                }

                await Task.Delay(options.Value.Shadow.SweepInterval, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host stopping.
        }
    }
}
