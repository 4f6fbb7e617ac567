using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;

namespace AiMesh.Metering.Storage;

/// <summary>
/// Group commit for usage rows: every consumer hands its row here and waits; one writer takes whatever rows are
/// waiting (at most <see cref="MaxBatch"/>) and stores them in one transaction. Under load that turns dozens of
/// single-row transactions — each its own round trip and its own commit on the database — into one; when the
/// endpoint is idle a row is written alone at once, so it adds no delay. Each consumer still gets its own outcome:
/// a batch refused for a duplicate request id is written again row by row, so only the duplicate's consumer sees
/// the unique violation (and takes the idempotent path), and a database failure reaches every waiting consumer,
/// whose message then retries or faults on its own as before.
/// </summary>
internal sealed class UsageBatchWriter : IAsyncDisposable
{
    public const int MaxBatch = 100;

    private readonly IServiceScopeFactory scopes;
    private readonly Channel<Pending> queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task writer;

    public UsageBatchWriter(IServiceScopeFactory scopes)
    {
        this.scopes = scopes;
        writer = Task.Run(WriteAllAsync);
    }

    /// <summary>Stores <paramref name="usageEvent"/> (its generated sequence is set when this completes).</summary>
    /// <exception cref="DbUpdateException">The database refused the row, e.g. for a request id already stored.</exception>
    public Task InsertAsync(UsageEvent usageEvent, CancellationToken cancellationToken)
    {
        var pending = new Pending(usageEvent);
        ObjectDisposedException.ThrowIf(!queue.Writer.TryWrite(pending), this);

        return pending.Stored.Task.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await writer;
    }

    private async Task WriteAllAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        while (await queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            await WriteAsync(batch);
        }
    }

    private async Task WriteAsync(List<Pending> batch)
    {
        try
        {
            await SaveAsync(batch);
            batch.ForEach(p => p.Stored.TrySetResult());
        }
        catch (DbUpdateException exception) when (batch.Count > 1 && UniqueViolation.Is(exception))
        {
            // One of them (or more) is a redelivery: the transaction stored none, so each goes again on its own.
            foreach (var pending in batch)
            {
                await WriteAsync([pending]);
            }
        }
        catch (Exception exception)
        {
            // The writer loop must outlive any one batch; every waiting consumer gets the failure as its own.
            batch.ForEach(p => p.Stored.TrySetException(exception));
        }
    }

    private async Task SaveAsync(List<Pending> batch)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MeteringDbContext>();
        foreach (var pending in batch)
        {
            // A row refused in an earlier batch goes again as it was: EF keeps temporary keys in the change tracker of
            // that (disposed) context, not on the entity, so its sequence is still unset.
            db.UsageEvents.Add(pending.Event);
        }

        await db.SaveChangesAsync(CancellationToken.None);
    }

    private sealed class Pending(UsageEvent usageEvent)
    {
        public UsageEvent Event { get; } = usageEvent;

        public TaskCompletionSource Stored { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
