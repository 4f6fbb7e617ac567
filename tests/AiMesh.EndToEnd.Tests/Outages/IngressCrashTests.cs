using System.ClientModel;
using AiMesh.EndToEnd.Tests.Infrastructure;
using OpenAI.Chat;
using Xunit.Abstractions;

namespace AiMesh.EndToEnd.Tests.Outages;

/// <summary>
/// Issue 5, promise 2's crash window: the ingress process dies after answering some requests (their usage records still
/// waiting in its batch sender) and while others are at the provider (the mock's latency scenario, streamed and not).
/// None of those records ever leaves the ingress; the routers' reports do, and metering writes the usage events from
/// them once the requests' deadline and the grace have passed. Every call the mock provider received has exactly one
/// usage event, none twice.
/// <para>
/// The kill, in one test process: the ingress's broker connection is reset and refused from then on (its proxy cut),
/// which is what the broker sees when the process dies (nothing is flushed: its batch sender's records, the sagas, the
/// answers waiting for it stay in a process the mesh never hears from again), and its clients' connections are dropped
/// (their calls cancelled). What is not a real crash: the host's threads run on until the fixture disposes it, its
/// Kestrel still takes the routers' stream channels, and its stop at the end tries to send the records (refused, they
/// are logged as lost), none of which reaches the rest of the mesh.
/// </para>
/// </summary>
public sealed class IngressCrashTests(IngressCrashMesh mesh, ITestOutputHelper output) : IClassFixture<IngressCrashMesh>
{
    private const string LaggingScenario = "latency=3000";

    [Fact]
    public async Task Ingress_killed_after_answers_and_while_requests_are_at_the_provider_every_provider_call_has_exactly_one_usage_event()
    {
        var chat = mesh.Client().GetChatClient("gpt-4o-mini");
        var lagging = mesh.Client().GetChatClient("lagging-model");

        // Answered before the kill: their records wait in the ingress's ten-minute linger.
        var answered = new List<Guid>();
        for (var i = 0; i < 6; i++)
        {
            ClientResult<ChatCompletion> answer = await chat.CompleteChatAsync([new UserChatMessage($"echo: answered {i}")]);
            Assert.True(answer.GetRawResponse().Headers.TryGetValue("x-request-id", out var id) && Guid.TryParse(id, out _), "no x-request-id");
            answered.Add(Guid.Parse(id!));
        }

        // At the provider when the ingress dies: six whole answers and two streams, the provider holding each for 3 s.
        using var clientsDie = new CancellationTokenSource();
        var inFlight = Enumerable.Range(0, 6)
            .Select(i => (Task)lagging.CompleteChatAsync([new UserChatMessage($"echo: in flight {i}")], cancellationToken: clientsDie.Token))
            .Concat(Enumerable.Range(0, 2).Select(i => ReadStreamAsync(lagging, $"echo: streamed in flight {i}", clientsDie.Token)))
            .ToArray();
        await Eventually.TrueAsync(() => Task.FromResult(LaggingCalls() == inFlight.Length || inFlight.Any(t => t.IsCompleted)), "the provider holding all 8 calls");
        Assert.DoesNotContain(inFlight, t => t.IsCompleted);

        mesh.IngressBroker.Cut();
        await clientsDie.CancelAsync();
        await Task.WhenAll(inFlight).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        Assert.All(inFlight, t => Assert.False(t.IsCompletedSuccessfully, "a call in flight was answered after the kill"));

        var providerCalls = mesh.Mock.Recorder.Snapshot();
        Assert.Equal(answered.Count + inFlight.Length, providerCalls.Count);

        // The deadline (15 s) plus the grace (2 s) after the last request, then one reconcile round (1 s): bounded wait.
        IReadOnlyList<UsageRow> rows = [];
        await Eventually.TrueAsync(async () => (rows = await mesh.UsageAsync()).Count >= providerCalls.Count, $"{providerCalls.Count} usage events");
        foreach (var group in rows.GroupBy(r => (r.ModelRequested, r.Outcome, r.Source)))
        {
            output.WriteLine($"{group.Key}: {group.Count()}");
        }

        Assert.Equal(providerCalls.Count, rows.Count);
        Assert.Equal(rows.Count, rows.Select(r => r.RequestId).Distinct().Count());
        Assert.All(answered, id => Assert.Single(rows, r => r.RequestId == id));
        Assert.Equal(answered.Count, rows.Count(r => r.ModelRequested == "gpt-4o-mini"));
        Assert.Equal(inFlight.Length, rows.Count(r => r.ModelRequested == "lagging-model"));
        Assert.Equal(providerCalls.Count(c => c.Scenario == LaggingScenario), rows.Count(r => r.ModelRequested == "lagging-model"));

        // None of the ingress's records left it: every event is the router's, with the provider's tokens and the principal policy admitted.
        Assert.All(rows, r => Assert.Equal("router", r.Source));
        Assert.All(rows, r => Assert.Equal("test-app", r.PrincipalId));
        Assert.All(rows.Where(r => r.Outcome == "ok"), r => Assert.True(r.PromptTokens > 0 && r.CompletionTokens > 0, $"{r.RequestId}: no tokens"));
    }

    private int LaggingCalls() => mesh.Mock.Recorder.Snapshot().Count(c => c.Scenario == LaggingScenario);

    private static async Task ReadStreamAsync(ChatClient chat, string text, CancellationToken cancellationToken)
    {
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage(text)], cancellationToken: cancellationToken))
        {
            _ = update;
        }
    }
}
