using System.ClientModel;
using System.Collections.Concurrent;
using AiMesh.EndToEnd.Tests.Metrics;
using OpenAI.Chat;
using Xunit.Abstractions;

namespace AiMesh.EndToEnd.Tests.Outages;

/// <summary>
/// Issue 5: Redis stopped and restarted under load while two policy replicas share their rate-limit counters in it.
/// During the outage no request hangs or gets a 500: each rule takes its <c>OnStoreDown</c> choice (Local: this
/// replica's share of the limit; Open: admitted; Closed: 503 <c>rate_limiter_unavailable</c>), and every such decision is
/// counted in <c>aimesh.policy.ratelimit.store_fallbacks</c>. Once Redis is back the replicas use it again and the shared
/// limit holds. Redis is "stopped" by the proxy between the policy replicas and Redis (other tests use the server).
/// </summary>
[Collection(OutageCollection.Name)]
public sealed class RedisOutageTests(OutageMesh mesh, ITestOutputHelper output)
{
    private static readonly TimeSpan CallLimit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task With_redis_down_every_rule_takes_its_choice_counted_and_after_it_returns_the_shared_limit_holds_again()
    {
        using var http = new HttpClient { Timeout = CallLimit };
        foreach (var key in new[] { OutageMesh.ClosedKey, OutageMesh.OpenKey })
        {
            Assert.Equal(200, await CallAsync(key, "before"));
        }

        var before = await FallbacksAsync(http);

        mesh.PolicyRedis.Cut();

        // Load on all three keys, more than the local key's limit: every answer is the rule's choice.
        var downMinute = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60;
        var local = await BurstAsync(OutageMesh.LocalKey, 2 * OutageMesh.LocalKeyPerMinute, "local down");
        var downTurned = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60 != downMinute;
        var open = await BurstAsync(OutageMesh.OpenKey, 20, "open down");
        var closed = await BurstAsync(OutageMesh.ClosedKey, 20, "closed down");
        var during = await FallbacksAsync(http);
        output.WriteLine($"down: local {Describe(local)}, open {Describe(open)}, closed {Describe(closed)}");

        Assert.All(local, s => Assert.True(s.Status is 200 or 429, $"local: {s}"));
        Assert.All(open, s => Assert.Equal(200, s.Status));
        Assert.All(closed, s => Assert.True(s is { Status: 503, Code: "rate_limiter_unavailable" }, $"closed: {s}"));

        // Local: each of the two replicas admits its share (limit ÷ 2), so at most the limit between them (twice that if
        // the minute turned during the burst), and refuses the rest with 429.
        var admittedLocally = local.Count(s => s.Status == 200);
        Assert.InRange(admittedLocally, 1, (downTurned ? 2 : 1) * OutageMesh.LocalKeyPerMinute);
        Assert.True(during["local"] - before["local"] >= local.Length, $"local fallbacks counted: {during["local"] - before["local"]}");
        Assert.True(during["open"] - before["open"] >= open.Length, $"open fallbacks counted: {during["open"] - before["open"]}");
        Assert.True(during["closed"] - before["closed"] >= closed.Length, $"closed fallbacks counted: {during["closed"] - before["closed"]}");

        mesh.PolicyRedis.Restore();

        // Back: the closed rule admits again only through Redis; six in a row, spread by the broker over both replicas.
        var inARow = 0;
        await Eventually.TrueAsync(async () => (inARow = await CallAsync(OutageMesh.ClosedKey, "probe") == 200 ? inARow + 1 : 0) >= 6, "closed key admitted 6 times in a row after Redis returned");

        // The shared limit holds again: a burst well over the limit, decided with Redis (no fallback counted meanwhile),
        // admits at most the limit in the minute (twice that if the minute turned during it), and refuses the rest.
        var settled = await FallbacksAsync(http);
        var minute = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60;
        var shared = await BurstAsync(OutageMesh.LocalKey, 3 * OutageMesh.LocalKeyPerMinute, "local back");
        var turned = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60 != minute;
        var after = await FallbacksAsync(http);
        output.WriteLine($"back: local {Describe(shared)}");

        Assert.Equal(settled["local"], after["local"]);
        Assert.All(shared, s => Assert.True(s.Status is 200 or 429, $"local after: {s}"));
        Assert.InRange(shared.Count(s => s.Status == 200), 0, (turned ? 2 : 1) * OutageMesh.LocalKeyPerMinute);
        Assert.Contains(shared, s => s.Status == 429);
    }

    private async Task<int> CallAsync(string key, string label) => (await OneAsync(mesh.Client(key).GetChatClient("gpt-4o-mini"), label)).Status;

    private async Task<Answer[]> BurstAsync(string key, int count, string label)
    {
        var chat = mesh.Client(key).GetChatClient("gpt-4o-mini");
        using var gate = new SemaphoreSlim(8);
        return await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                return await OneAsync(chat, $"{label} {i}");
            }
            finally
            {
                gate.Release();
            }
        }));
    }

    /// <summary>One call, bounded: no answer within 30 s is a hang (status 0).</summary>
    private static async Task<Answer> OneAsync(ChatClient chat, string label)
    {
        using var limit = new CancellationTokenSource(CallLimit);
        try
        {
            return new Answer((await chat.CompleteChatAsync([new UserChatMessage($"echo: {label}")], cancellationToken: limit.Token)).GetRawResponse().Status, null);
        }
        catch (ClientResultException refused)
        {
            var body = refused.GetRawResponse()?.Content.ToString() ?? "";
            var code = System.Text.Json.JsonDocument.Parse(body.Length > 0 ? body : "{}").RootElement is { ValueKind: System.Text.Json.JsonValueKind.Object } root
                && root.TryGetProperty("error", out var error) && error.TryGetProperty("code", out var c) ? c.GetString() : null;
            return new Answer(refused.Status, code);
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested)
        {
            return new Answer(0, "no answer within 30 s");
        }
    }

    /// <summary>The fallbacks both policy replicas counted so far, by choice.</summary>
    private async Task<IReadOnlyDictionary<string, double>> FallbacksAsync(HttpClient http)
    {
        var counted = new ConcurrentDictionary<string, double>(new Dictionary<string, double> { ["local"] = 0, ["open"] = 0, ["closed"] = 0 });
        foreach (var policy in mesh.PolicyAddresses)
        {
            var text = PrometheusText.Parse(await http.GetStringAsync(new Uri(policy, "metrics")));
            foreach (var choice in counted.Keys)
            {
                counted[choice] += text.Sum("aimesh_policy_ratelimit_store_fallbacks_total", ("choice", choice));
            }
        }

        return counted;
    }

    private static string Describe(Answer[] answers) => string.Join(", ", answers.GroupBy(a => a).Select(g => $"{g.Key.Status} {g.Key.Code}×{g.Count()}"));

    private sealed record Answer(int Status, string? Code);
}
