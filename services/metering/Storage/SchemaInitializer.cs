using AiMesh.Metering.Configuration;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;

namespace AiMesh.Metering.Storage;

/// <summary>
/// Creates the database and <c>usage_events</c> when they are missing. Registered before the bus, so on a
/// healthy start the table exists before the first message is consumed. A database that is down at start does
/// not stop the host: the first attempt is bounded, later ones run in the background with a growing delay, and
/// until one succeeds the readiness check reports unhealthy and the consumer refuses messages (they retry, then
/// fault to the error queue; the kill switch pauses the endpoint meanwhile).
/// Create-if-missing is a stopgap: real, versioned migrations come with issue 5.
/// </summary>
internal sealed class SchemaInitializer(
    IServiceScopeFactory scopes,
    SchemaState state,
    IOptions<MeteringOptions> options,
    TimeProvider time,
    ILogger<SchemaInitializer> logger) : IHostedService, IDisposable
{
    // Long enough for CREATE DATABASE on a busy server (seconds under I/O load), short enough that an unanswering
    // database delays the host's start about as much as one Npgsql connect timeout (15 s) would anyway.
    private static readonly TimeSpan FirstAttemptTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    private readonly CancellationTokenSource _stopping = new();
    private Task _retrying = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using var firstAttempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        firstAttempt.CancelAfter(FirstAttemptTimeout);
        if (await TryCreateAsync(attempt: 1, TimeSpan.FromSeconds(1), firstAttempt.Token))
        {
            return;
        }

        _retrying = RetryAsync(_stopping.Token);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _retrying.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public void Dispose() => _stopping.Dispose();

    private async Task RetryAsync(CancellationToken stopping)
    {
        var delay = TimeSpan.FromSeconds(1);
        for (var attempt = 2; !stopping.IsCancellationRequested; attempt++)
        {
            try
            {
                await Task.Delay(delay, time, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var next = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
            if (await TryCreateAsync(attempt, next, stopping))
            {
                return;
            }

            delay = next;
        }
    }

    private async Task<bool> TryCreateAsync(int attempt, TimeSpan nextDelay, CancellationToken cancellationToken)
    {
        var database = options.Value.Database;
        try
        {
            MeteringDatabase.PrepareStorage(database);
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<MeteringDbContext>();
            var creator = db.GetService<IRelationalDatabaseCreator>();
            if (!await creator.ExistsAsync(cancellationToken))
            {
                await creator.CreateAsync(cancellationToken);
            }

            var created = false;
            if (!await MeteringDatabase.TableExistsAsync(db, cancellationToken))
            {
                // Two replicas racing here: the loser fails on "already exists" and finds the table on its next attempt.
                await creator.CreateTablesAsync(cancellationToken);
                created = true;
            }

            if (db.Database.IsSqlite())
            {
                // WAL lets the readiness probe and readers run beside the writer. EF sets it on files it creates;
                // this covers a file that existed before. The setting persists in the file.
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            }

            state.MarkReady();
            MeteringLog.SchemaReady(logger, database.Provider, created);
            return true;
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Whatever the cause (server down, folder not writable, timeout), the answer is the same: report
            // not ready and try again later. The exception is logged, not swallowed.
            MeteringLog.SchemaUnavailable(logger, exception, database.Provider, attempt, nextDelay);
            return false;
        }
    }
}
