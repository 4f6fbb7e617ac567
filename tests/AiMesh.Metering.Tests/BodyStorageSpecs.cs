using AiMesh.Contracts;
using AiMesh.Contracts.Metering;
using AiMesh.Metering.Storage;
using AiMesh.Metering.Tests.Infrastructure;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AiMesh.Metering.Tests;

/// <summary>
/// Logged bodies (<c>usage_bodies</c>), run once per provider: stored with their event in its transaction, once, read
/// back with the event over the bus (a prompt request's rendered body too), and swept after their retention while the
/// event stays; a table from before the rendered body's columns gets them at start.
/// </summary>
public abstract class BodyStorageSpecs(ITestDatabase database)
{
    private static readonly UsageBodies Bodies = new(
        "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"key [redacted], Zoë\"}]}",
        "{\"choices\":[{\"index\":0,\"content\":\"Done.\"}]}",
        RequestTruncated: true,
        Rendered: "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Hello Zoë\"}]}",
        RenderedTruncated: true);

    [Fact]
    public async Task Bodies_are_stored_with_their_event_once_and_read_back_with_it()
    {
        await using var host = await StartAsync();
        var usage = Usages.Full(NewId.NextGuid()) with { Bodies = Bodies };

        await host.SendAsync(usage);
        await host.Published.WaitForMeteredAsync(usage.RequestId);

        // A redelivery carrying other bodies changes nothing: its event is refused, and so are its bodies.
        await host.SendAsync(usage with { Bodies = new UsageBodies("other", "other") });
        await host.Published.WaitForMeteredAsync(usage.RequestId, 2);

        var found = await FindAsync(host, usage.RequestId);
        Assert.NotNull(found.Record);
        Assert.Equal(Bodies, found.Record.Bodies);
        Assert.Equal((usage.KeyId, usage.PrincipalId, usage.TeamId, usage.OrganizationId), (found.Record.KeyId, found.Record.PrincipalId, found.Record.TeamId, found.Record.OrganizationId));
        Assert.Equal((usage.Outcome, usage.Status, usage.Usage, usage.Cost), (found.Record.Outcome, found.Record.Status, found.Record.Usage, found.Record.Cost));
        Assert.Equal(usage.Tags!.OrderBy(t => t.Key, StringComparer.Ordinal), found.Record.Tags!.OrderBy(t => t.Key, StringComparer.Ordinal));
        Assert.NotNull(found.RecordedAt);
        Assert.Equal(found.RecordedAt!.Value.ToUnixTimeMilliseconds(), found.BodiesStoredAt!.Value.ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task A_record_without_bodies_keeps_none_and_an_unknown_request_has_no_record()
    {
        await using var host = await StartAsync();
        var usage = Usages.Full(NewId.NextGuid());

        await host.SendAsync(usage);
        await host.Published.WaitForMeteredAsync(usage.RequestId);

        var found = await FindAsync(host, usage.RequestId);
        Assert.NotNull(found.Record);
        Assert.Null(found.Record.Bodies);
        Assert.Null(found.BodiesStoredAt);
        Assert.Null((await FindAsync(host, NewId.NextGuid())).Record);
    }

    [Fact]
    public async Task Bodies_past_their_retention_are_swept_and_their_event_stays()
    {
        await using var host = await StartAsync();
        var kept = Usages.Full(NewId.NextGuid()) with { Bodies = Bodies };
        await host.SendAsync(kept);
        await host.Published.WaitForMeteredAsync(kept.RequestId);
        var retention = host.Services.GetRequiredService<BodyRetention>();

        Assert.Equal(0, await retention.SweepAsync(DateTimeOffset.UtcNow, CancellationToken.None));
        Assert.NotNull((await FindAsync(host, kept.RequestId)).Record!.Bodies);

        // Thirty days (the default retention) and a minute later, every body stored so far is past it.
        Assert.True(await retention.SweepAsync(DateTimeOffset.UtcNow + TimeSpan.FromDays(30) + TimeSpan.FromMinutes(1), CancellationToken.None) >= 1);

        var after = await FindAsync(host, kept.RequestId);
        Assert.NotNull(after.Record);
        Assert.Null(after.Record.Bodies);
        Assert.Contains(host.Logs.Lines, l => l.EventId == 4050);
    }

    [Fact]
    public async Task A_body_table_from_before_the_rendered_columns_gets_them_at_start_and_its_rows_read_without_one()
    {
        await using var database2 = await database.CreateSwitchableAsync(up: true);
        var old = Usages.Full(NewId.NextGuid()) with { Bodies = new UsageBodies("{\"messages\":[]}", null) };
        await using (var first = await MeteringTestHost.StartReadyAsync(database.Provider, database2.ConnectionString))
        {
            Assert.DoesNotContain(first.Logs.Lines, l => l.EventId == 4072);
            await first.SendAsync(old);
            await first.Published.WaitForMeteredAsync(old.RequestId);

            // Back to the table an older build made (SQLite has DROP COLUMN since 3.35).
            await using var scope = first.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<MeteringDbContext>();
            await db.Database.ExecuteSqlRawAsync("ALTER TABLE usage_bodies DROP COLUMN rendered");
            await db.Database.ExecuteSqlRawAsync("ALTER TABLE usage_bodies DROP COLUMN rendered_truncated");
        }

        await using var host = await MeteringTestHost.StartReadyAsync(database.Provider, database2.ConnectionString);
        var added = Assert.Single(host.Logs.Lines, l => l.EventId == 4072);
        Assert.Contains("rendered, rendered_truncated", added.Text, StringComparison.Ordinal);
        var usage = Usages.Full(NewId.NextGuid()) with { Bodies = Bodies };
        await host.SendAsync(usage);
        await host.Published.WaitForMeteredAsync(usage.RequestId);

        Assert.Equal(Bodies, (await FindAsync(host, usage.RequestId)).Record!.Bodies);
        Assert.Equal(old.Bodies, (await FindAsync(host, old.RequestId)).Record!.Bodies);

        // A third start finds the table current and adds nothing.
        await using var again = await MeteringTestHost.StartReadyAsync(database.Provider, database2.ConnectionString);
        Assert.DoesNotContain(again.Logs.Lines, l => l.EventId == 4072);
    }

    private static async Task<UsageRecordFound> FindAsync(MeteringTestHost host, Guid requestId)
    {
        var client = host.Harness.Bus.CreateRequestClient<FindUsageRecord>(Endpoints.MeteringQueriesAddress, RequestTimeout.After(s: 30));
        var asked = NewId.NextGuid();
        var answer = (await client.GetResponse<UsageRecordFound>(new FindUsageRecord(asked, requestId))).Message;
        Assert.Equal(asked, answer.RequestId);
        return answer;
    }

    private Task<MeteringTestHost> StartAsync() => MeteringTestHost.StartReadyAsync(database);
}

/// <summary>The body specs on the embedded default: a SQLite file.</summary>
public sealed class SqliteBodyStorageSpecs(SqliteTestDatabase database) : BodyStorageSpecs(database), IClassFixture<SqliteTestDatabase>;

/// <summary>The body specs on PostgreSQL, as deployed.</summary>
public sealed class PostgresBodyStorageSpecs(PostgresTestDatabase database) : BodyStorageSpecs(database), IClassFixture<PostgresTestDatabase>;
