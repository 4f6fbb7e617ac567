using System.ClientModel;
using OpenAI.Chat;

namespace AiMesh.EndToEnd.Tests.Routing;

/// <summary>
/// Admission by queue as a client meets it (issue 6), through the official OpenAI SDK with its retries off: three
/// requests at once to a model whose deployment takes one call at a time are all answered, one after another, instead
/// of two 429s; and each is metered once.
/// </summary>
public sealed class AdmissionTests(AdmissionMesh mesh) : IClassFixture<AdmissionMesh>
{
    [Fact]
    public async Task Requests_beyond_a_deployment_s_capacity_wait_for_it_instead_of_a_429()
    {
        var markers = Enumerable.Range(0, 3).Select(i => $"queued {i} {Guid.NewGuid():N}").ToArray();
        var chat = mesh.Client().GetChatClient("queue-model");

        var outcomes = await Task.WhenAll(markers.Select(async marker =>
        {
            try
            {
                var answer = await chat.CompleteChatAsync([new UserChatMessage($"echo: {marker}")]);
                return (Status: answer.GetRawResponse().Status, Text: answer.Value.Content[0].Text, Id: answer.GetRawResponse().Headers.TryGetValue("x-request-id", out var id) ? Guid.Parse(id!) : Guid.Empty);
            }
            catch (ClientResultException e)
            {
                return (Status: e.Status, Text: e.Message, Id: Guid.Empty);
            }
        }));

        Assert.All(outcomes, o => Assert.True(o.Status == 200, $"{o.Status} {o.Text}"));
        Assert.Equal(markers, outcomes.Select(o => o.Text));
        Assert.Equal(3, mesh.Mock.Recorder.Snapshot().Count(r => markers.Any(m => r.Body.Contains(m, StringComparison.Ordinal))));
        foreach (var (_, _, id) in outcomes)
        {
            await UsageEventuallyAsync(id);
        }

        Assert.Equal(3, (await mesh.UsageAsync()).Count(u => outcomes.Any(o => o.Id == u.RequestId)));
    }

    private async Task UsageEventuallyAsync(Guid requestId)
    {
        for (var i = 0; i < 200; i++)
        {
            if ((await mesh.UsageAsync()).Any(u => u.RequestId == requestId))
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new Xunit.Sdk.XunitException("The usage row never arrived.");
    }
}
