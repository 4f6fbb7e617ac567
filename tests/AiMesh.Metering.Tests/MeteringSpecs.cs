using System.Text.Json;
using AiMesh.Metering.Recording;
using AiMesh.Metering.Storage;
using AiMesh.Metering.Tests.Infrastructure;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AiMesh.Metering.Tests;

/// <summary>
/// What metering promises, run once per database provider (see the derived classes). The database lives for the
/// whole class run, so each spec looks only at its own request ids and at counts relative to its own start.
/// </summary>
public abstract class MeteringSpecs(ITestDatabase database)
{
    /// <summary>Longer than the consumer's short retries (about 4 s): an outage that outlasts them must still be waited out.</summary>
    private static readonly TimeSpan OutlastShortRetries = TimeSpan.FromSeconds(6);

    [Fact]
    public async Task A_record_is_stored_once_with_every_field_and_metered_under_its_event_id()
    {
        await using var host = await StartAsync();
        var before = await host.QueryAsync(q => q.CountAsync());
        var usage = Usages.Full(NewId.NextGuid());

        await host.SendAsync(usage);
        var published = await host.Published.WaitForMeteredAsync(usage.RequestId);

        var stored = await host.QueryAsync(q => q.FindByRequestIdAsync(usage.RequestId));
        Assert.NotNull(stored);
        Assert.Equal(before + 1, await host.QueryAsync(q => q.CountAsync()));
        Assert.Equal(UsageEventIds.For(usage.RequestId), stored.EventId);
        Assert.True(stored.Sequence > 0);
        Assert.Equal(usage.StartedAt.UtcTicks / 10 * 10, stored.StartedAt.UtcTicks);
        Assert.Equal(usage.FinishedAt.UtcTicks / 10 * 10, stored.FinishedAt.UtcTicks);
        Assert.Equal(TimeSpan.Zero, stored.StartedAt.Offset);
        Assert.Equal(usage.PrincipalId, stored.PrincipalId);
        Assert.Equal(usage.KeyId, stored.KeyId);
        Assert.Equal(usage.Api, stored.Api);
        Assert.Equal(usage.ModelRequested, stored.ModelRequested);
        Assert.Equal(usage.Deployment, stored.Deployment);
        Assert.Equal(usage.Provider, stored.Provider);
        Assert.Equal(usage.Attempts, stored.Attempts);
        Assert.Equal(usage.Outcome, stored.Outcome);
        Assert.Equal(usage.Status, stored.Status);
        Assert.Equal(usage.ErrorCode, stored.ErrorCode);
        Assert.Equal(usage.Usage!.PromptTokens, stored.InputTokens);
        Assert.Equal(usage.Usage.CompletionTokens, stored.OutputTokens);
        Assert.Equal(usage.Usage.CachedTokens, stored.CachedTokens);
        Assert.Equal(usage.Usage.ReasoningTokens, stored.ReasoningTokens);
        Assert.True(stored.TokensEstimated);
        Assert.Equal(usage.LatencyMs, stored.LatencyMs);
        Assert.Equal(usage.FirstTokenMs, stored.FirstTokenMs);
        Assert.True(stored.Stream);
        Assert.Equal(usage.ClientAddress, stored.ClientAddress);
        Assert.Equal(usage.User, stored.EndUser);
        Assert.Equal(usage.Tags, JsonSerializer.Deserialize<Dictionary<string, string>>(stored.Tags!));
        Assert.Equal(usage.PromptId, stored.PromptId);
        Assert.Equal(usage.PromptVersion, stored.PromptVersion);
        Assert.Equal(21, stored.CacheWriteTokens);
        Assert.Equal("team-finance", stored.TeamId);
        Assert.Equal(Usages.FullOrganization, stored.OrganizationId);
        Assert.Equal(Usages.FullCost, stored.Cost);
        Assert.Equal(("USD", "2026-11-23+azure-eu-gpt-4o", (bool?)true), (stored.CostCurrency, stored.PriceTableVersion, stored.CostEstimated));
        Assert.InRange(stored.RecordedAt, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));

        var metered = Assert.Single(published);
        Assert.Equal(stored.EventId, metered.MessageId);
        Assert.Equal(stored.EventId, metered.Message.UsageEventId);
        Assert.Equal(usage.RequestId, metered.Message.RequestId);
        Assert.Equal(stored.FinishedAt, metered.Message.OccurredAt);
        Assert.Equal(usage.PrincipalId, metered.Message.PrincipalId);
        Assert.Equal("team-finance", metered.Message.TeamId);
        Assert.Equal(Usages.FullOrganization, metered.Message.OrganizationId);
        Assert.Equal(usage.ModelRequested, metered.Message.ModelRequested);
        Assert.Equal(usage.Deployment, metered.Message.Deployment);
        Assert.Equal(usage.Outcome, metered.Message.Outcome);
        Assert.Equal(1234, metered.Message.InputTokens);
        Assert.Equal(567, metered.Message.OutputTokens);
        Assert.Equal((Usages.FullCost, "USD", "2026-11-23+azure-eu-gpt-4o", (bool?)true),
            (metered.Message.Cost, metered.Message.Currency, metered.Message.PriceTableVersion, metered.Message.CostEstimated));
        Assert.Empty(host.Published.FaultsFor(usage.RequestId));
    }

    [Fact]
    public async Task A_record_with_only_the_required_members_keeps_its_nulls()
    {
        await using var host = await StartAsync();
        var usage = Usages.Minimal(NewId.NextGuid());

        await host.SendAsync(usage);
        var metered = Assert.Single(await host.Published.WaitForMeteredAsync(usage.RequestId));

        var stored = await host.QueryAsync(q => q.FindByRequestIdAsync(usage.RequestId));
        Assert.NotNull(stored);
        Assert.Null(stored.Deployment);
        Assert.Null(stored.Provider);
        Assert.Null(stored.ErrorCode);
        Assert.Null(stored.InputTokens);
        Assert.Null(stored.OutputTokens);
        Assert.Null(stored.CachedTokens);
        Assert.Null(stored.ReasoningTokens);
        Assert.False(stored.TokensEstimated);
        Assert.Null(stored.FirstTokenMs);
        Assert.False(stored.Stream);
        Assert.Null(stored.ClientAddress);
        Assert.Null(stored.EndUser);
        Assert.Null(stored.Tags);
        Assert.Null(stored.PromptId);
        Assert.Null(stored.PromptVersion);
        Assert.Equal(usage.StartedAt, stored.StartedAt);
        Assert.Equal(429, stored.Status);
        Assert.Null(stored.CacheWriteTokens);
        Assert.Null(stored.TeamId);
        Assert.Null(metered.Message.TeamId);
        Assert.Null(stored.OrganizationId);
        Assert.Null(metered.Message.OrganizationId);
        Assert.Equal((null, null, null, null), (stored.Cost, stored.CostCurrency, stored.PriceTableVersion, stored.CostEstimated));
        Assert.Equal(0, metered.Message.InputTokens);
        Assert.Equal(0, metered.Message.OutputTokens);
        Assert.Equal((null, null, null, null), (metered.Message.Cost, metered.Message.Currency, metered.Message.PriceTableVersion, metered.Message.CostEstimated));
    }

    [Fact]
    public async Task A_table_from_before_the_cost_columns_gets_them_at_start_and_its_rows_read_without_a_cost()
    {
        await using var database2 = await database.CreateSwitchableAsync(up: true);
        var old = Usages.Minimal(NewId.NextGuid());
        await using (var first = await StartReadyAsync(database2.ConnectionString))
        {
            await first.SendAsync(old);
            await first.Published.WaitForMeteredAsync(old.RequestId);

            // Back to the table an older build made: the seven columns steps 2 and 3 add dropped (SQLite has DROP COLUMN since 3.35).
            await using var scope = first.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<MeteringDbContext>();
            foreach (var column in CostColumns)
            {
                var drop = "ALTER TABLE usage_events DROP COLUMN " + column; // constant names, from the list above
                await db.Database.ExecuteSqlRawAsync(drop);
            }
        }

        await using var host = await StartReadyAsync(database2.ConnectionString);
        var usage = Usages.Full(NewId.NextGuid());
        await host.SendAsync(usage);
        await host.Published.WaitForMeteredAsync(usage.RequestId);

        var added = Assert.Single(host.Logs.Lines, l => l.EventId == 4012);
        Assert.All(CostColumns, c => Assert.Contains(c, added.Text, StringComparison.Ordinal));
        var stored = await host.QueryAsync(q => q.FindByRequestIdAsync(usage.RequestId));
        Assert.Equal((Usages.FullCost, "USD", 21), (stored!.Cost, stored.CostCurrency, stored.CacheWriteTokens));
        Assert.Equal(Usages.FullOrganization, stored.OrganizationId);
        var before = await host.QueryAsync(q => q.FindByRequestIdAsync(old.RequestId));
        Assert.Equal((null, null, null, null), (before!.Cost, before.PriceTableVersion, before.CacheWriteTokens, before.OrganizationId));

        // A third start finds the table current and adds nothing.
        await using var again = await StartReadyAsync(database2.ConnectionString);
        Assert.DoesNotContain(again.Logs.Lines, l => l.EventId == 4012);
    }

    private static readonly string[] CostColumns = ["cache_write_tokens", "cost", "cost_currency", "price_table_version", "cost_estimated", "team_id", "organization_id"];

    private Task<MeteringTestHost> StartReadyAsync(string connectionString) => MeteringTestHost.StartReadyAsync(database.Provider, connectionString);

    [Fact]
    public async Task The_same_message_delivered_three_times_is_stored_once_and_republished_under_the_same_message_id()
    {
        await using var host = await StartAsync();
        using var measured = new MeteringMeasurements(host.Services);
        var before = await host.QueryAsync(q => q.CountAsync());
        var usage = Usages.Full(NewId.NextGuid());
        var messageId = NewId.NextGuid();

        for (var delivery = 0; delivery < 3; delivery++)
        {
            await host.SendAsync(usage, messageId);
            await host.Published.WaitForMeteredAsync(usage.RequestId, delivery + 1);
        }

        var published = host.Published.MeteredFor(usage.RequestId);
        Assert.Equal(3, published.Count);
        Assert.All(published, p => Assert.Equal(UsageEventIds.For(usage.RequestId), p.MessageId));
        Assert.All(published, p => Assert.Equal(published[0].Message, p.Message));
        Assert.Equal(before + 1, await host.QueryAsync(q => q.CountAsync()));
        Assert.Empty(host.Published.FaultsFor(usage.RequestId));
        Assert.Equal(2, host.Logs.Lines.Count(l => l.EventId == 4002 && l.Text.Contains(usage.RequestId.ToString(), StringComparison.Ordinal)));

        // Metrics: one stored with its lag (the record ended long before: Usages.Full's times), two duplicates, and each
        // delivery's insert statement carried its one row.
        Assert.Equal(1, measured.Sum("aimesh.metering.events.stored"));
        Assert.Equal(2, measured.Sum("aimesh.metering.events.duplicates"));
        Assert.Equal(1, measured.Count("aimesh.metering.store.lag"));
        Assert.Equal((DateTimeOffset.UtcNow - usage.FinishedAt).TotalSeconds, measured.Sum("aimesh.metering.store.lag"), tolerance: 120);
        Assert.Equal(3, measured.Count("aimesh.metering.insert.batch_size"));
        Assert.Equal(3, measured.Sum("aimesh.metering.insert.batch_size"));
    }

    [Fact]
    public async Task Twenty_concurrent_deliveries_of_one_request_store_one_row_and_publish_one_message_id()
    {
        await using var host = await StartAsync();
        var before = await host.QueryAsync(q => q.CountAsync());
        var usage = Usages.Full(NewId.NextGuid());

        // Distinct message ids: the ingress sending again, not the broker redelivering. Idempotency is by request id.
        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => host.SendAsync(usage)));
        var published = await host.Published.WaitForMeteredAsync(usage.RequestId, 20);

        Assert.Equal(20, published.Count);
        Assert.Single(published.Select(p => p.MessageId).Distinct());
        Assert.Equal(UsageEventIds.For(usage.RequestId), published[0].MessageId);
        Assert.Equal(before + 1, await host.QueryAsync(q => q.CountAsync()));
        Assert.Empty(host.Published.FaultsFor(usage.RequestId));
    }

    [Fact]
    public async Task Two_hundred_requests_in_parallel_get_two_hundred_rows_in_strictly_increasing_sequence()
    {
        await using var host = await StartAsync();
        var last = await host.QueryAsync(q => q.LastSequenceAsync());
        var usages = Enumerable.Range(0, 200).Select(_ => Usages.Full(NewId.NextGuid())).ToList();

        await Task.WhenAll(usages.Select(u => host.SendAsync(u)));
        foreach (var usage in usages)
        {
            var metered = Assert.Single(await host.Published.WaitForMeteredAsync(usage.RequestId));
            Assert.Equal(UsageEventIds.For(usage.RequestId), metered.MessageId);
        }

        var rows = await host.QueryAsync(q => q.ReadAfterAsync(last, 1000));
        Assert.Equal(200, rows.Count);
        Assert.Equal(usages.Select(u => u.RequestId).Order(), rows.Select(r => r.RequestId).Order());
        for (var i = 1; i < rows.Count; i++)
        {
            Assert.True(rows[i].Sequence > rows[i - 1].Sequence, $"sequence {rows[i].Sequence} follows {rows[i - 1].Sequence}");
        }

        // A later event is later in the log.
        var after = Usages.Minimal(NewId.NextGuid());
        await host.SendAsync(after);
        await host.Published.WaitForMeteredAsync(after.RequestId);
        var stored = await host.QueryAsync(q => q.FindByRequestIdAsync(after.RequestId));
        Assert.True(stored!.Sequence > rows[^1].Sequence);
    }

    [Fact]
    public async Task A_record_that_can_never_be_stored_faults_at_once_and_stores_nothing()
    {
        await using var host = await StartAsync();
        var usage = Usages.Full(NewId.NextGuid()) with { Usage = new(PromptTokens: -1, CompletionTokens: 3) };

        await host.SendAsync(usage);
        var fault = Assert.Single(await host.Published.WaitForFaultAsync(usage.RequestId));

        Assert.Equal(typeof(ArgumentException).FullName, Assert.Single(fault.Exceptions).ExceptionType);
        Assert.Null(await host.QueryAsync(q => q.FindByRequestIdAsync(usage.RequestId)));
        Assert.Empty(host.Published.MeteredFor(usage.RequestId));

        // The alert: one error line naming the request and the cause, no retry loop.
        var alert = await EventuallyAsync(() => host.Logs.Lines.Where(l => l.EventId == 4030 && l.Text.Contains(usage.RequestId.ToString(), StringComparison.Ordinal)).ToArray(), a => a.Length > 0);
        Assert.Contains(typeof(ArgumentException).FullName!, Assert.Single(alert).Text, StringComparison.Ordinal);
    }

    private static async Task<T> EventuallyAsync<T>(Func<T> read, Func<T, bool> until)
    {
        for (var i = 0; i < 200; i++)
        {
            var value = read();
            if (until(value))
            {
                return value;
            }

            await Task.Delay(50);
        }

        return read();
    }

    [Fact]
    public async Task A_batch_stores_each_record_once_and_its_redelivery_only_meters_them_again()
    {
        await using var host = await StartAsync();
        var before = await host.QueryAsync(q => q.CountAsync());
        var alreadyStored = Usages.Minimal(NewId.NextGuid());
        await host.SendAsync(alreadyStored);
        await host.Published.WaitForMeteredAsync(alreadyStored.RequestId);
        var records = Enumerable.Range(0, 40).Select(_ => Usages.Full(NewId.NextGuid())).Append(alreadyStored).ToList();
        var messageId = NewId.NextGuid();

        for (var delivery = 1; delivery <= 2; delivery++)
        {
            await host.SendBatchAsync(records, messageId);
            foreach (var record in records)
            {
                await host.Published.WaitForMeteredAsync(record.RequestId, record == alreadyStored ? delivery + 1 : delivery);
            }
        }

        Assert.Equal(before + 41, await host.QueryAsync(q => q.CountAsync()));
        foreach (var record in records)
        {
            var stored = await host.QueryAsync(q => q.FindByRequestIdAsync(record.RequestId));
            Assert.Equal((record.PrincipalId, record.Status, record.Usage?.PromptTokens), (stored!.PrincipalId, stored.Status, stored.InputTokens));
            Assert.All(host.Published.MeteredFor(record.RequestId), p => Assert.Equal(UsageEventIds.For(record.RequestId), p.MessageId));
        }

        Assert.Empty(host.Published.BatchFaultsFor(records[0].RequestId));
    }

    [Fact]
    public async Task A_batch_holding_one_request_twice_stores_it_once_and_meters_both_alike_under_its_event_id()
    {
        await using var host = await StartAsync();
        var before = await host.QueryAsync(q => q.CountAsync());
        var twice = Usages.Full(NewId.NextGuid());
        var other = Usages.Minimal(NewId.NextGuid());

        await host.SendBatchAsync([twice, other, twice]);
        await host.Published.WaitForMeteredAsync(twice.RequestId, 2);
        await host.Published.WaitForMeteredAsync(other.RequestId);

        var metered = host.Published.MeteredFor(twice.RequestId);
        Assert.Equal(2, metered.Count);
        Assert.All(metered, p => Assert.Equal(UsageEventIds.For(twice.RequestId), p.MessageId));
        Assert.Equal(metered[0].Message, metered[1].Message);
        Assert.Equal(before + 2, await host.QueryAsync(q => q.CountAsync()));
        Assert.NotNull(await host.QueryAsync(q => q.FindByRequestIdAsync(twice.RequestId)));
    }

    [Fact]
    public async Task A_batch_holding_a_record_that_can_never_be_stored_stores_and_meters_the_others_then_faults_at_once()
    {
        await using var host = await StartAsync();
        var good = new[] { Usages.Full(NewId.NextGuid()), Usages.Minimal(NewId.NextGuid()) };
        var bad = Usages.Full(NewId.NextGuid()) with { Usage = new(PromptTokens: -1, CompletionTokens: 3) };

        await host.SendBatchAsync([good[0], bad, good[1]]);
        var fault = Assert.Single(await host.Published.WaitForBatchFaultAsync(bad.RequestId));

        Assert.Equal(typeof(ArgumentException).FullName, Assert.Single(fault.Exceptions).ExceptionType);
        Assert.Null(await host.QueryAsync(q => q.FindByRequestIdAsync(bad.RequestId)));
        Assert.Empty(host.Published.MeteredFor(bad.RequestId));
        foreach (var record in good)
        {
            Assert.NotNull(await host.QueryAsync(q => q.FindByRequestIdAsync(record.RequestId)));
            Assert.Single(host.Published.MeteredFor(record.RequestId));
        }
    }

    [Fact]
    public async Task With_the_database_down_at_start_the_host_runs_reports_unready_and_stores_the_waiting_message_once_it_is_up()
    {
        await using var down = await database.CreateSwitchableAsync(up: false);
        await using var host = await MeteringTestHost.StartAsync(database.Provider, down.ConnectionString);
        var usage = Usages.Full(NewId.NextGuid());

        Assert.False(host.SchemaReady);
        Assert.Equal(HealthStatus.Unhealthy, await host.ReadinessAsync());

        // Down for longer than the short retries last (under 4 s): the message must still be waiting, not faulted.
        await host.SendAsync(usage);
        await Task.Delay(OutlastShortRetries);

        await down.ComeUpAsync();
        await host.Published.WaitForMeteredAsync(usage.RequestId);

        Assert.NotNull(await host.QueryAsync(q => q.FindByRequestIdAsync(usage.RequestId)));
        Assert.Empty(host.Published.FaultsFor(usage.RequestId));
    }

    [Fact]
    public async Task When_the_database_goes_down_a_message_waits_instead_of_faulting_and_is_stored_once_when_it_is_back()
    {
        await using var switchable = await database.CreateSwitchableAsync(up: true);
        await using var host = await MeteringTestHost.StartAsync(database.Provider, switchable.ConnectionString);
        var first = Usages.Minimal(NewId.NextGuid());
        await host.SendAsync(first);
        await host.Published.WaitForMeteredAsync(first.RequestId);
        Assert.Equal(HealthStatus.Healthy, await host.ReadinessAsync());

        await switchable.GoDownAsync();
        var usage = Usages.Full(NewId.NextGuid());
        await host.SendAsync(usage);

        // Down for longer than the short retries last: held by the outage retry rather than faulted to the error queue.
        Assert.Equal(HealthStatus.Unhealthy, await host.ReadinessAsync());
        await Task.Delay(OutlastShortRetries);
        Assert.Empty(host.Published.FaultsFor(usage.RequestId));

        await switchable.ComeUpAsync();
        await host.Published.WaitForMeteredAsync(usage.RequestId);

        Assert.Single(host.Published.MeteredFor(usage.RequestId));
        Assert.Empty(host.Published.FaultsFor(usage.RequestId));
        Assert.NotNull(await host.QueryAsync(q => q.FindByRequestIdAsync(usage.RequestId)));
    }

    [Fact]
    public async Task The_schema_is_created_once_the_database_comes_up_after_a_start_without_it()
    {
        await using var switchable = await database.CreateSwitchableAsync(up: false);
        await using var host = await MeteringTestHost.StartAsync(database.Provider, switchable.ConnectionString);
        Assert.Equal(HealthStatus.Unhealthy, await host.ReadinessAsync());

        await switchable.ComeUpAsync();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await host.ReadinessAsync() != HealthStatus.Healthy && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Equal(HealthStatus.Healthy, await host.ReadinessAsync());
        Assert.Contains(host.Logs.Lines, l => l.EventId == 4011);
        var usage = Usages.Full(NewId.NextGuid());
        await host.SendAsync(usage);
        await host.Published.WaitForMeteredAsync(usage.RequestId);
        Assert.NotNull(await host.QueryAsync(q => q.FindByRequestIdAsync(usage.RequestId)));
    }

    [Fact]
    public async Task Stored_events_can_be_neither_updated_nor_deleted()
    {
        await using var host = await StartAsync();
        var usage = Usages.Minimal(NewId.NextGuid());
        await host.SendAsync(usage);
        await host.Published.WaitForMeteredAsync(usage.RequestId);

        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<MeteringDbContext>();
            var stored = await db.UsageEvents.SingleAsync(e => e.RequestId == usage.RequestId);
            db.Entry(stored).Property(e => e.Outcome).CurrentValue = "rewritten";
            await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync());
        }

        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<MeteringDbContext>();
            db.UsageEvents.Remove(await db.UsageEvents.SingleAsync(e => e.RequestId == usage.RequestId));
            await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync());
        }

        var kept = await host.QueryAsync(q => q.FindByRequestIdAsync(usage.RequestId));
        Assert.Equal(usage.Outcome, kept!.Outcome);
    }

    [Fact]
    public async Task Logs_never_carry_tag_values()
    {
        await using var host = await StartAsync();
        var usage = Usages.Full(NewId.NextGuid());

        await host.SendAsync(usage);
        await host.SendAsync(usage);
        await host.Published.WaitForMeteredAsync(usage.RequestId, 2);

        Assert.Contains(host.Logs.Lines, l => l.EventId == 4001);
        Assert.Contains(host.Logs.Lines, l => l.EventId == 4002);
        Assert.DoesNotContain(host.Logs.Lines, l => l.Text.Contains(Usages.SecretTagValue, StringComparison.Ordinal));
    }

    private Task<MeteringTestHost> StartAsync() => MeteringTestHost.StartReadyAsync(database);
}
