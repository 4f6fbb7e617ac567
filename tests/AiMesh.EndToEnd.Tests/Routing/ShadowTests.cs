using System.Text.Json.Nodes;
using AiMesh.EndToEnd.Tests.Admin;
using AiMesh.EndToEnd.Tests.Infrastructure;
using OpenAI.Chat;

namespace AiMesh.EndToEnd.Tests.Routing;

/// <summary>
/// Shadow traffic as an operator meets it (issue 6): through the official OpenAI SDK on the embedded mesh, every
/// <c>gpt-4o-mini</c> request is also answered by <c>candidate-model</c>; the client receives the primary's answer only
/// (streamed or not), the request has exactly one usage event (the primary's), and the two answers are compared side
/// by side in <c>/admin/usage/shadow</c>: latency, tokens, cost of both, and how alike the texts were.
/// </summary>
public sealed class ShadowTests(ShadowMesh mesh) : IClassFixture<ShadowMesh>
{
    [Fact]
    public async Task The_client_gets_the_primary_s_answer_alone_and_the_candidate_s_is_compared_in_admin_usage()
    {
        var marker = $"shadow {Guid.NewGuid():N}";

        var answer = await mesh.Client().GetChatClient("gpt-4o-mini").CompleteChatAsync([new UserChatMessage($"echo: {marker}")]);

        Assert.Equal(200, answer.GetRawResponse().Status);
        Assert.Equal(marker, answer.Value.Content[0].Text);
        var requestId = RequestIdOf(answer.GetRawResponse());
        var calls = await CallsEventuallyAsync(marker, 2);
        Assert.Equal(["gpt-4o-mini", "candidate-model"], calls.Select(c => c.Headers["x-deployment"]));

        using var admin = AdminCalls.Client(mesh.Ingress, TestEnvironment.AdminKey);
        var result = await ResultEventuallyAsync(admin, requestId);
        Assert.Equal(("gpt-4o-mini", "gpt-4o-mini", "gpt-4o-mini-mock", 200), ((string?)result["modelRequested"], (string?)result["primaryModel"], (string?)result["primaryDeployment"], (int)result["primaryStatus"]!));
        Assert.Equal(("candidate-model", "candidate-model-mock", 200), ((string?)result["shadowModel"], (string?)result["shadowDeployment"], (int)result["shadowStatus"]!));
        Assert.Equal(1.0, (double)result["similarity"]!, 6);
        Assert.True((int)result["shadowUsage"]!["completionTokens"]! > 0, result.ToJsonString());
        Assert.True((decimal)result["shadowCost"]!["amount"]! > 0, result.ToJsonString());

        var rows = (await AdminCalls.OkAsync(await admin.GetAsync("/admin/usage/shadow?model=candidate-model")))["items"]!.AsArray();
        var row = Assert.Single(rows, r => (string?)r!["shadowModel"] == "candidate-model" && (string?)r["primaryModel"] == "gpt-4o-mini")!;
        Assert.True((long)row["requests"]! >= 1 && (long)row["compared"]! >= 1, row.ToJsonString());
        Assert.True((decimal)row["shadowCost"]! > 0 && row["shadowLatencyP50Ms"] is not null, row.ToJsonString());

        // One usage event, the primary's: the shadow call is reported beside it, never metered as a request.
        var usage = await UsageEventuallyAsync(requestId);
        Assert.Equal(("gpt-4o-mini", "gpt-4o-mini-mock", 200), (usage.ModelRequested, usage.Deployment, usage.Status));
        Assert.Single(await mesh.UsageAsync(), u => u.RequestId == requestId);
    }

    [Fact]
    public async Task A_streamed_request_streams_the_primary_s_chunks_and_its_shadow_is_asked_without_a_stream()
    {
        var marker = $"stream {Guid.NewGuid():N}";
        var text = new System.Text.StringBuilder();

        await foreach (var update in mesh.Client().GetChatClient("gpt-4o-mini").CompleteChatStreamingAsync([new UserChatMessage($"echo: {marker}")]))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }
        }

        Assert.Equal(marker, text.ToString());
        var calls = await CallsEventuallyAsync(marker, 2);
        var shadow = Assert.Single(calls, c => c.Headers["x-deployment"] == "candidate-model");
        Assert.Null(JsonNode.Parse(shadow.Body)!["stream"]);
        Assert.Contains("\"stream\":true", Assert.Single(calls, c => c.Headers["x-deployment"] == "gpt-4o-mini").Body, StringComparison.Ordinal);
    }

    private static Guid RequestIdOf(System.ClientModel.Primitives.PipelineResponse response) =>
        Guid.Parse(response.Headers.TryGetValue("x-request-id", out var id) ? id! : throw new Xunit.Sdk.XunitException("No x-request-id header."));

    private async Task<List<AiMesh.MockProvider.RecordedRequest>> CallsEventuallyAsync(string marker, int count)
    {
        for (var i = 0; i < 600; i++)
        {
            var calls = mesh.Mock.Recorder.Snapshot().Where(r => r.Body.Contains(marker, StringComparison.Ordinal)).ToList();
            if (calls.Count >= count)
            {
                return calls;
            }

            await Task.Delay(50);
        }

        throw new Xunit.Sdk.XunitException($"The mock never saw {count} calls with {marker}.");
    }

    /// <summary>The router sends results in batches after the shadow's call: listed once metering has stored it.</summary>
    private static async Task<JsonNode> ResultEventuallyAsync(HttpClient admin, Guid requestId)
    {
        for (var i = 0; i < 300; i++)
        {
            var page = await AdminCalls.OkAsync(await admin.GetAsync("/admin/usage/shadow/results?model=gpt-4o-mini&primary=gpt-4o-mini&shadow=candidate-model&limit=100"));
            if (page["items"]!.AsArray().FirstOrDefault(r => (Guid?)r!["requestId"] == requestId) is { } found)
            {
                return found;
            }

            await Task.Delay(100);
        }

        throw new Xunit.Sdk.XunitException("The shadow result never reached /admin/usage/shadow/results.");
    }

    private async Task<UsageRow> UsageEventuallyAsync(Guid requestId)
    {
        for (var i = 0; i < 200; i++)
        {
            if ((await mesh.UsageAsync()).FirstOrDefault(u => u.RequestId == requestId) is { } row)
            {
                return row;
            }

            await Task.Delay(50);
        }

        throw new Xunit.Sdk.XunitException("The usage row never arrived.");
    }
}
