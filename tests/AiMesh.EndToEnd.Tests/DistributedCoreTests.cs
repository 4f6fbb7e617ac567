using AiMesh.EndToEnd.Tests.Infrastructure;

namespace AiMesh.EndToEnd.Tests;

/// <summary>The core scenarios distributed: a host per service on RabbitMQ and PostgreSQL, two routers and two policies.</summary>
public sealed class DistributedCoreTests(DistributedMesh mesh) : CoreScenarios<DistributedMesh>(mesh)
{
    [Fact]
    public async Task Two_routers_and_two_policies_answer_every_request_exactly_once()
    {
        var markers = Enumerable.Range(0, 60).Select(_ => Guid.NewGuid().ToString("N")).ToArray();
        var answers = await Task.WhenAll(markers.Select(async marker =>
        {
            var completion = await Mesh.Client().GetChatClient("gpt-4o-mini").CompleteChatAsync([new OpenAI.Chat.UserChatMessage($"echo: {marker}")]);
            return (marker, text: completion.Value.Content[0].Text);
        }));

        Assert.All(answers, a => Assert.Equal(a.marker, a.text));
        var calls = Mesh.Mock.Recorder.Snapshot();
        Assert.All(markers, m => Assert.Single(calls, c => c.Body.Contains(m, StringComparison.Ordinal)));
    }
}
