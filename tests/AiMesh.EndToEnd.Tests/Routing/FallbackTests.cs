using AiMesh.EndToEnd.Tests.Infrastructure;
using OpenAI.Chat;

namespace AiMesh.EndToEnd.Tests.Routing;

/// <summary>
/// Fallbacks as a client meets them (issue 6, "Fallbacks"), through the official OpenAI SDK on the embedded mesh: a
/// model whose deployments all fail is answered by its fallback, a prompt too long for one model by its larger-context
/// group, streamed or not; the client sees an ordinary answer, the mock saw every call, and the usage row names the
/// deployment that served.
/// </summary>
public sealed class FallbackTests(FallbackMesh mesh) : IClassFixture<FallbackMesh>
{
    [Fact]
    public async Task A_model_whose_provider_fails_is_answered_by_its_fallback_and_metered_as_served_there()
    {
        var marker = $"echo: fallback {Guid.NewGuid():N}";

        var answer = await mesh.Client().GetChatClient("broken-model").CompleteChatAsync([new UserChatMessage(marker)]);

        Assert.Equal(200, answer.GetRawResponse().Status);
        Assert.NotEmpty(answer.Value.Content[0].Text);
        var calls = mesh.Mock.Recorder.Snapshot().Where(r => r.Body.Contains(marker, StringComparison.Ordinal)).Select(r => r.Headers["x-deployment"]).ToArray();
        Assert.Equal(["broken-model", "broken-model", "broken-model", "gpt-4o-mini"], calls);
        var requestId = Guid.Parse(answer.GetRawResponse().Headers.TryGetValue("x-request-id", out var id) ? id! : throw new Xunit.Sdk.XunitException("No x-request-id header."));
        var row = await UsageEventuallyAsync(requestId);
        Assert.Equal(("broken-model", "gpt-4o-mini-mock", 200), (row.ModelRequested, row.Deployment, row.Status));
    }

    [Fact]
    public async Task A_streamed_prompt_too_long_for_its_model_is_streamed_by_the_larger_context_group()
    {
        var marker = $"echo: context {Guid.NewGuid():N}";
        var text = new System.Text.StringBuilder();

        await foreach (var update in mesh.Client().GetChatClient("too-long-model").CompleteChatStreamingAsync([new UserChatMessage(marker)]))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }
        }

        Assert.NotEqual(0, text.Length);
        var calls = mesh.Mock.Recorder.Snapshot().Where(r => r.Body.Contains(marker, StringComparison.Ordinal)).Select(r => r.Headers["x-deployment"]).ToArray();
        Assert.Equal(["too-long-model", "gpt-4o-mini"], calls);
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
