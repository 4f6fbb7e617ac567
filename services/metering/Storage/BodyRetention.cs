using AiMesh.Metering.Configuration;
using Microsoft.Extensions.Options;

namespace AiMesh.Metering.Storage;

/// <summary>
/// Deletes logged bodies older than <c>Metering:Bodies:Retention</c> (30 days by default), once the schema is ready and
/// then every <c>Metering:Bodies:SweepInterval</c> (an hour). Every replica may sweep: a delete by age is idempotent.
/// A failed sweep is logged and tried again at the next interval; nothing else waits on it.
/// </summary>
internal sealed class BodyRetention(
    IServiceScopeFactory scopes,
    SchemaState schema,
    IOptions<MeteringOptions> options,
    TimeProvider time,
    ILogger<BodyRetention> logger) : BackgroundService
{
    /// <summary>Deletes what is past retention at <paramref name="now"/>; returns how many bodies went.</summary>
    public async Task<int> SweepAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MeteringDbContext>();
        var deleted = await UsageBodyTable.DeleteStoredBeforeAsync(db, now - options.Value.Bodies.Retention, cancellationToken);
        if (deleted > 0)
        {
            MeteringLog.BodiesSwept(logger, deleted, options.Value.Bodies.Retention);
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
                    MeteringLog.BodySweepFailed(logger, exception);
                }

                await Task.Delay(options.Value.Bodies.SweepInterval, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host stopping.
        }
    }
}
