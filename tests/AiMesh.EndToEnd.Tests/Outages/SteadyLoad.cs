using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Concurrent;
using AiMesh.EndToEnd.Tests.Infrastructure;
using OpenAI.Chat;

namespace AiMesh.EndToEnd.Tests.Outages;

/// <summary>
/// Steady load as applications make it: <c>clients</c> official OpenAI SDK clients, each sending one chat completion
/// after another until stopped, every answer (or error) noted with the request id the ingress gave it
/// (<c>x-request-id</c>) and the phase of the test it was sent in. A call is bounded: one that has no answer within
/// 30 s is noted as hung (status 0), never waited for longer.
/// </summary>
internal sealed class SteadyLoad : IAsyncDisposable
{
    private static readonly TimeSpan CallLimit = TimeSpan.FromSeconds(30);

    private readonly ConcurrentQueue<Call> calls = new();
    private readonly CancellationTokenSource stop = new();
    private readonly Task[] workers;
    private volatile string phase = "before";

    private SteadyLoad(MeshFixture mesh, int clients, string key, string label)
    {
        workers = [.. Enumerable.Range(0, clients).Select(i => Task.Run(() => RunAsync(mesh.Client(key).GetChatClient("gpt-4o-mini"), $"{label} {i}")))];
    }

    /// <summary>What the calls sent from now on are noted under.</summary>
    public string Phase
    {
        get => phase;
        set => phase = value;
    }

    public static SteadyLoad Start(MeshFixture mesh, int clients, string label, string key = TestEnvironment.ClientKey) => new(mesh, clients, key, label);

    /// <summary>The calls answered so far in <paramref name="inPhase"/>.</summary>
    public int Answered(string inPhase) => calls.Count(c => c.Phase == inPhase);

    /// <summary>Lets every call in flight end, and returns all of them.</summary>
    public async Task<IReadOnlyList<Call>> StopAsync()
    {
        await stop.CancelAsync();
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(60));
        return [.. calls];
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        stop.Dispose();
    }

    private async Task RunAsync(ChatClient chat, string label)
    {
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var sentIn = phase;
            using var limit = new CancellationTokenSource(CallLimit);
            try
            {
                var answer = await chat.CompleteChatAsync([new UserChatMessage($"echo: {label} call {n}")], cancellationToken: limit.Token);
                calls.Enqueue(new Call(sentIn, answer.GetRawResponse().Status, RequestId(answer.GetRawResponse()), null));
            }
            catch (ClientResultException failed)
            {
                calls.Enqueue(new Call(sentIn, failed.Status, RequestId(failed.GetRawResponse()), failed.GetRawResponse()?.Content.ToString()));
            }
            catch (OperationCanceledException) when (limit.IsCancellationRequested)
            {
                calls.Enqueue(new Call(sentIn, 0, null, $"no answer within {CallLimit.TotalSeconds} s"));
            }
        }
    }

    private static Guid? RequestId(PipelineResponse? response) =>
        response is not null && response.Headers.TryGetValue("x-request-id", out var id) && Guid.TryParse(id, out var parsed) ? parsed : null;

    /// <summary>One call: the phase it was sent in, its HTTP status (0: no answer in time), its request id, an error's body.</summary>
    public sealed record Call(string Phase, int Status, Guid? RequestId, string? Error);
}
