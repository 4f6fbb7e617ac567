using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using AiMesh.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace AiMesh.EndToEnd.Tests.Outages;

/// <summary>
/// Issue 6: a router replica killed mid-load. Eight requests (six whole, two streamed) are at the provider, spread over
/// the two router replicas, when replica 0 dies (its broker connection reset and refused from then on). The broker
/// hands that replica's unacknowledged routes to replica 1, which answers them 503 <c>route_interrupted</c> without
/// calling the provider again; replica 1's own calls complete. Every request ends, none hangs, none reaches the provider
/// twice, and each has exactly one usage event. Raw HTTP, so no client library retries behind the test's back.
/// </summary>
public sealed class RouterCrashTests(RouterCrashMesh mesh, ITestOutputHelper output) : IClassFixture<RouterCrashMesh>
{
    private const string LaggingScenario = "latency=3000";

    [Fact]
    public async Task A_router_killed_mid_load_ends_every_request_completed_or_with_a_clear_error_none_called_twice_each_metered_once()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var requests = Enumerable.Range(0, 8).Select(i => SendAsync($"echo: crash {run} {i}", stream: i >= 6)).ToArray();
        await Eventually.TrueAsync(() => Task.FromResult(LaggingCalls(run) == requests.Length || requests.Any(t => t.IsCompleted)), "the provider holding all 8 calls");
        Assert.DoesNotContain(requests, t => t.IsCompleted);

        mesh.FirstRouterBroker.Cut();
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var answers = await Task.WhenAll(requests).WaitAsync(bound.Token);
        foreach (var answer in answers)
        {
            output.WriteLine($"{answer.Text}{(answer.Stream ? " (streamed)" : "")}: {(int)answer.Status} {answer.Code ?? "ok"}");
        }

        // Each completed with its own echo, or ended with the clear error, never a [DONE] after an error.
        Assert.All(answers, a => Assert.True(
            a.Code is null ? a.Status == HttpStatusCode.OK && (a.Stream ? a.Body.TrimEnd().EndsWith("data: [DONE]", StringComparison.Ordinal) : a.Body.Contains(a.Text["echo: ".Length..], StringComparison.Ordinal))
                : a.Code == "route_interrupted" && !a.Body.Contains("[DONE]", StringComparison.Ordinal),
            $"{a.Text}: {(int)a.Status} {a.Body}"));
        Assert.Contains(answers, a => a.Code == "route_interrupted");
        Assert.Contains(answers, a => a.Code is null);

        // The dead replica's calls still end at the provider; nothing is called a second time.
        await Task.Delay(TimeSpan.FromSeconds(4));
        var calls = mesh.Mock.Recorder.Snapshot().Where(c => c.Scenario == LaggingScenario && c.Body.Contains(run, StringComparison.Ordinal)).ToList();
        Assert.Equal(requests.Length, calls.Count);
        Assert.All(answers, a => Assert.Single(calls, c => c.Body.Contains(a.Text, StringComparison.Ordinal)));

        IReadOnlyList<UsageRow> rows = [];
        var ids = answers.Select(a => a.RequestId).ToHashSet();
        await Eventually.TrueAsync(async () => (rows = [.. (await mesh.UsageAsync()).Where(r => ids.Contains(r.RequestId))]).Count >= ids.Count, "a usage event per request");
        Assert.Equal(ids.Count, rows.Count);
        Assert.All(answers, a => Assert.Equal(a.Code is null ? "ok" : "error", Assert.Single(rows, r => r.RequestId == a.RequestId).Outcome));
    }

    private int LaggingCalls(string run) =>
        mesh.Mock.Recorder.Snapshot().Count(c => c.Scenario == LaggingScenario && c.Body.Contains(run, StringComparison.Ordinal));

    private async Task<Answer> SendAsync(string text, bool stream)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(mesh.Ingress, "v1/chat/completions"))
        {
            Content = new StringContent(
                new JsonObject { ["model"] = "lagging-model", ["stream"] = stream, ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = text }) }.ToJsonString(),
                Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestEnvironment.ClientKey);
        using var response = await mesh.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var id = response.Headers.TryGetValues("x-request-id", out var values) ? Guid.Parse(values.Single()) : Guid.Empty;
        string? code = null;
        var at = body.IndexOf("\"code\":\"", StringComparison.Ordinal);
        if (response.StatusCode != HttpStatusCode.OK || body.Contains("\"error\"", StringComparison.Ordinal))
        {
            code = at < 0 ? "(none)" : body[(at + 8)..body.IndexOf('"', at + 8)];
        }

        return new Answer(text, stream, id, response.StatusCode, code, body);
    }

    private sealed record Answer(string Text, bool Stream, Guid RequestId, HttpStatusCode Status, string? Code, string Body);
}
