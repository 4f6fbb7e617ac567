using System.Globalization;
using AiMesh.Contracts;
using AiMesh.Contracts.Integration;
using AiMesh.Contracts.Policy;
using AiMesh.Contracts.Routing;
using AiMesh.Policy.Budgets;
using AiMesh.Policy.Keys;
using AiMesh.Policy.Tests.Support;
using MassTransit;
using MassTransit.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AiMesh.Policy.Tests.Budgets;

/// <summary>
/// Budgets through policy's queue: reserve at admission, settle at the end. The price of <see cref="Model"/> is one
/// currency unit per output token and nothing for input, so a request's reservation is exactly its <c>max_tokens</c>.
/// </summary>
public sealed class BudgetTests : IDisposable
{
    private const string Secret = "sk-budget-test-0123456789";
    private const string Model = "priced-model";
    private readonly string folder = Directory.CreateTempSubdirectory("aimesh-budgets-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task Fifty_concurrent_requests_against_a_hard_budget_for_five_admit_exactly_five()
    {
        await using var policy = await StartAsync(amount: 50);

        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => policy.AuthorizeAsync(Chat(maxTokens: 10)))));

        Assert.Equal(5, answers.Count(a => a.Authorized is not null));
        var denied = answers.Where(a => a.Denied is not null).Select(a => a.Denied!).ToList();
        Assert.Equal(45, denied.Count);
        Assert.All(denied, d =>
        {
            Assert.Equal((429, "budget_exceeded"), (d.Status, d.Code));
            Assert.InRange(d.RetryAfterSeconds!.Value, 1, 86_400);
            Assert.Contains("Budget exceeded", d.Message, StringComparison.Ordinal);
        });
        Assert.All(answers.Where(a => a.Authorized is not null), a => Assert.Equal(10m, a.Authorized!.Settlement!.ReservedCost));
    }

    [Fact]
    public async Task A_decision_whose_answer_cannot_leave_gives_its_reservation_back()
    {
        await using var policy = await StartAsync(amount: 10);
        var lost = Chat(maxTokens: 10);

        // An answer address no transport of this bus serves: the admission's answer fails after the reservation was made.
        var endpoint = await policy.Harness.Bus.GetSendEndpoint(Endpoints.PolicyAddress);
        await endpoint.Send(lost, Pipe.Execute<SendContext<AuthorizeRequest>>(send =>
        {
            send.RequestId = lost.RequestId;
            send.ResponseAddress = new Uri("rabbitmq://nowhere.invalid/void");
        }));
        Assert.True(await policy.Harness.Consumed.Any<AuthorizeRequest>(x => x.Context.Message.RequestId == lost.RequestId && x.Exception is not null));

        // The budget covers one request: the next one fits only if the failed decision gave its reservation back.
        var next = await policy.AuthorizeAsync(Chat(maxTokens: 10));
        Assert.NotNull(next.Authorized);
    }

    [Fact]
    public async Task Three_replicas_sharing_redis_admit_exactly_five_of_fifty_and_a_settle_on_one_frees_room_on_another()
    {
        var database = $"Data Source={Path.Combine(folder, "replicas.db")}";
        var redis = new Dictionary<string, string?>
        {
            ["Policy:Limits:Store"] = "Redis",
            ["Policy:Limits:Redis"] = Environment.GetEnvironmentVariable("AIMESH_TEST_REDIS") ?? "127.0.0.1:6379",
            ["Policy:Limits:RedisPrefix"] = "budgets-" + Guid.NewGuid().ToString("N"),

            // About sharing, not falling back: a loaded CI machine can pass the 250 ms default and reserve locally.
            ["Policy:Limits:StoreTimeout"] = "00:00:05",
        };
        await using var a = await StartAsync(amount: 50, database: database, extra: redis);
        await using var b = await StartAsync(amount: 50, database: database, extra: redis);
        await using var c = await StartAsync(amount: 50, database: database, extra: redis);
        PolicyHost[] replicas = [a, b, c];

        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Task.Run(() => replicas[i % 3].AuthorizeAsync(Chat(maxTokens: 10)))));

        var admitted = answers.Where(x => x.Authorized is not null).Select(x => x.Authorized!).ToList();
        Assert.Equal(5, admitted.Count);
        Assert.All(answers.Where(x => x.Denied is not null), x => Assert.Equal("budget_exceeded", x.Denied!.Code));

        // Settled on another replica than the one that reserved: 8 of the 10 reserved come back for everyone.
        await SettleAsync(b, admitted[0], cost: 2m);
        Assert.NotNull((await c.AuthorizeAsync(Chat(maxTokens: 8))).Authorized);
        Assert.Equal("budget_exceeded", (await a.AuthorizeAsync(Chat(maxTokens: 1))).Denied?.Code);
    }

    [Fact]
    public async Task Settling_releases_the_unused_reservation_so_a_second_request_fits()
    {
        await using var policy = await StartAsync(amount: 15);

        var first = (await policy.AuthorizeAsync(Chat(maxTokens: 10))).Authorized!;
        var refused = (await policy.AuthorizeAsync(Chat(maxTokens: 10))).Denied;
        Assert.Equal("budget_exceeded", refused?.Code);

        await SettleAsync(policy, first, cost: 2m);

        Assert.NotNull((await policy.AuthorizeAsync(Chat(maxTokens: 10))).Authorized);
        Assert.Equal(2m, await SpentAsync(policy));
    }

    [Fact]
    public async Task Spend_survives_a_policy_restart_on_the_same_database()
    {
        var database = $"Data Source={Path.Combine(folder, "restart.db")}";
        await using (var before = await StartAsync(amount: 15, database: database))
        {
            var first = (await before.AuthorizeAsync(Chat(maxTokens: 10))).Authorized!;
            await SettleAsync(before, first, cost: 9m);
        }

        await using var after = await StartAsync(amount: 15, database: database);

        // 9 spent before the restart: 10 more would pass 15, 6 fits.
        Assert.Equal("budget_exceeded", (await after.AuthorizeAsync(Chat(maxTokens: 10))).Denied?.Code);
        Assert.NotNull((await after.AuthorizeAsync(Chat(maxTokens: 6))).Authorized);
    }

    [Fact]
    public async Task A_reservation_whose_request_died_expires_and_is_charged_in_full()
    {
        var time = new SettableTime(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));
        await using var policy = await StartAsync(amount: 15, time: time);

        Assert.NotNull((await policy.AuthorizeAsync(Chat(maxTokens: 10))).Authorized);
        Assert.Equal("budget_exceeded", (await policy.AuthorizeAsync(Chat(maxTokens: 6))).Denied?.Code);

        // Never settled: past its hold (ReservationHold 5 minutes + a minute) it is no longer held but spent.
        time.Advance(TimeSpan.FromMinutes(7));

        Assert.NotNull((await policy.AuthorizeAsync(Chat(maxTokens: 5))).Authorized);
        Assert.Equal(10m, await SpentAsync(policy, time));
        Assert.Contains(policy.Logs.Lines, l => l.EventId == 2054);
    }

    [Fact]
    public async Task A_request_refused_by_a_rate_limit_holds_no_reservation()
    {
        await using var policy = await StartAsync(amount: 15, extra: new()
        {
            ["Policy:Limits:Rules:0:Scope"] = "Key",
            ["Policy:Limits:Rules:0:RequestsPerMinute"] = "1",
        });

        Assert.NotNull((await policy.AuthorizeAsync(Chat(maxTokens: 1))).Authorized);
        Assert.Equal("rate_limit_exceeded", (await policy.AuthorizeAsync(Chat(maxTokens: 10))).Denied?.Code);

        var reservations = policy.Services.GetRequiredService<BudgetReservations>();
        Assert.Equal(1m, reservations.Standing(Key(SettableTimeOrNow(null))).Reserved);
    }

    [Fact]
    public async Task Thresholds_are_announced_once_each_per_period_even_with_two_replicas()
    {
        var received = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await using var webhook = await WebhookAsync(received);
        var database = $"Data Source={Path.Combine(folder, "shared.db")}";
        var soft = new Dictionary<string, string?>
        {
            ["Policy:Budgets:Rules:0:Hard"] = "false",
            ["Policy:Budgets:Rules:0:SoftThresholds:0"] = "50",
            ["Policy:Budgets:Rules:0:SoftThresholds:1"] = "80",
            ["Policy:Budgets:Rules:0:SoftThresholds:2"] = "100",
            ["Policy:Budgets:Rules:0:Webhook"] = webhook.Url + "/hooks/T000/B000/secret-path",
        };
        await using var a = await StartAsync(amount: 100, database: database, extra: soft);
        await using var b = await StartAsync(amount: 100, database: database, extra: soft);

        // 30 requests of 5 on two replicas at once: spend reaches 150, crossing 50, 80 and 100 once each.
        var admitted = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => (i % 2 == 0 ? a : b).AuthorizeAsync(Chat(maxTokens: 5))));
        await Task.WhenAll(admitted.Select((x, i) => SettleAsync(i % 2 == 0 ? a : b, x.Authorized!, cost: 5m)));

        Assert.Equal(150m, await SpentAsync(a));
        var announced = a.Harness.Published.Select<BudgetThresholdReached>().Concat(b.Harness.Published.Select<BudgetThresholdReached>())
            .Select(p => p.Context.Message).ToList();
        Assert.Equal([50, 80, 100], announced.Select(e => e.ThresholdPercent).Order());
        Assert.All(announced, e => Assert.Equal("key:budget-key", e.Budget));

        await webhook.WaitForAsync(() => received.Count >= 3);
        Assert.Equal(3, received.Count);
        Assert.All(received, body => Assert.StartsWith("{\"text\":\"AiMesh budget key:budget-key reached ", body, StringComparison.Ordinal));
        Assert.Equal(["100", "50", "80"], received.Select(r => r.Split(' ')[4]).Order());
        Assert.DoesNotContain(a.Logs.Lines.Concat(b.Logs.Lines), l => l.Line.Contains("secret-path", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_model_without_a_configured_price_is_reserved_at_the_routers_price_ceiling()
    {
        await using var policy = await StartAsync(amount: 25);

        // A router answering the model catalog: the model's dearest deployment charges 1 per output token.
        var router = policy.Harness.Bus.ConnectReceiveEndpoint(Endpoints.Router, e => e.Handler<ListModels>(context => context.RespondAsync(
            new ModelsListed(context.Message.RequestId, [new ModelDescription("router-priced", "aimesh", 0, ["chat.completions"], new ModelPriceCeiling(0m, 1_000_000m, "USD"))]))));
        await router.Ready;
        var prices = policy.Services.GetRequiredService<RouterPrices>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (prices.For("router-priced") is null)
        {
            await Task.Delay(50, deadline.Token);
        }

        AuthorizeRequest Ask(long maxTokens) =>
            new(Guid.NewGuid(), KeyRing.HashOf(Secret), "chat.completions", "router-priced", "127.0.0.1", InputTokens: 100, MaxOutputTokens: maxTokens);
        var first = await policy.AuthorizeAsync(Ask(20));
        var second = await policy.AuthorizeAsync(Ask(10));

        Assert.Equal(20m, first.Authorized!.Settlement!.ReservedCost);
        Assert.Equal((429, "budget_exceeded"), (second.Denied!.Status, second.Denied.Code));
    }

    [Fact]
    public async Task Concurrent_settles_share_a_commit_and_each_sees_the_total_right_after_its_own_amount()
    {
        await using var policy = await StartAsync(amount: 1000);
        var store = policy.Services.GetRequiredService<BudgetSpendStore>();

        var totals = await Task.WhenAll(Enumerable.Range(1, 200).Select(i => Task.Run(() => store.AddAsync("key:budget-key", "total", 1m, CancellationToken.None))));

        // Every add answered a different running total, together exactly 1..200: a threshold at any of them is crossed
        // by one settle only; and the store holds the sum.
        Assert.Equal(Enumerable.Range(1, 200).Select(i => (decimal)i), totals.Order());
        Assert.Equal(200m, await store.SpentAsync("key:budget-key", "total", CancellationToken.None));
    }

    private Task<PolicyHost> StartAsync(decimal amount, string? database = null, SettableTime? time = null, Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Policy:Database:ConnectionString"] = database ?? $"Data Source={Path.Combine(folder, Guid.NewGuid().ToString("N") + ".db")}",
            ["Policy:Keys:0:Id"] = "budget-key",
            ["Policy:Keys:0:Principal"] = "app",
            ["Policy:Keys:0:Sha256"] = KeyRing.HashOf(Secret),
            ["Policy:Keys:0:Models:0"] = "*",
            ["Policy:Budgets:Rules:0:Scope"] = "Key",
            ["Policy:Budgets:Rules:0:Period"] = "Day",
            ["Policy:Budgets:Rules:0:Amount"] = amount.ToString(CultureInfo.InvariantCulture),
            ["Policy:Budgets:Rules:0:Hard"] = "true",
            ["Policy:Budgets:Prices:" + Model + ":Input"] = "0",
            ["Policy:Budgets:Prices:" + Model + ":Output"] = "1000000",
            ["Policy:Budgets:ReservationHold"] = "00:05:00",
            ["Policy:Budgets:WebhookAttempts"] = "1",
        };
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        return PolicyHost.StartAsync(settings, time is null ? null : s => s.AddSingleton<TimeProvider>(time));
    }

    private static AuthorizeRequest Chat(long maxTokens) =>
        new(Guid.NewGuid(), KeyRing.HashOf(Secret), "chat.completions", Model, "127.0.0.1", InputTokens: 100, MaxOutputTokens: maxTokens);

    private static async Task SettleAsync(PolicyHost policy, RequestAuthorized admitted, decimal cost)
    {
        var endpoint = await policy.Harness.Bus.GetSendEndpoint(Endpoints.PolicyAddress);
        await endpoint.Send(new SettleRequest(admitted.RequestId, admitted.Settlement!, 10, new Cost(cost, "USD", "test")));
        // Polled to a deadline rather than one Any(): that gives up at the harness's first moment of inactivity, which a
        // loaded machine can reach before the consumer has run.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!await policy.Harness.Consumed.Any<SettleRequest>(x => x.Context.Message.RequestId == admitted.RequestId))
        {
            await Task.Delay(20, deadline.Token);
        }
    }

    private static Task<decimal> SpentAsync(PolicyHost policy, SettableTime? time = null)
    {
        var (budget, period) = Split(Key(SettableTimeOrNow(time)));
        return policy.Services.GetRequiredService<BudgetSpendStore>().SpentAsync(budget, period, CancellationToken.None);
    }

    private static DateTimeOffset SettableTimeOrNow(SettableTime? time) => time?.Now ?? DateTimeOffset.UtcNow;

    private static string Key(DateTimeOffset now) => "key:budget-key|" + BudgetPeriods.Name(BudgetPeriod.Day, now);

    private static (string, string) Split(string key) => (key[..key.IndexOf('|', StringComparison.Ordinal)], key[(key.IndexOf('|', StringComparison.Ordinal) + 1)..]);

    private static async Task<Webhook> WebhookAsync(System.Collections.Concurrent.ConcurrentQueue<string> received)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var arrived = new SemaphoreSlim(0);
        app.MapPost("/hooks/{*path}", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            received.Enqueue(await reader.ReadToEndAsync());
            arrived.Release();
            return Results.Ok();
        });
        await app.StartAsync();
        var url = app.Urls.First();
        return new Webhook(app, url, arrived);
    }

    private sealed record Webhook(WebApplication App, string Url, SemaphoreSlim Arrived) : IAsyncDisposable
    {
        public async Task WaitForAsync(Func<bool> done)
        {
            while (!done())
            {
                Assert.True(await Arrived.WaitAsync(TimeSpan.FromSeconds(30)), "the webhook was not called");
            }
        }

        public async ValueTask DisposeAsync()
        {
            await App.StopAsync();
            await App.DisposeAsync();
            Arrived.Dispose();
        }
    }
}
