using System.ClientModel;
using AiMesh.EndToEnd.Tests.Infrastructure;
using OpenAI.Chat;

namespace AiMesh.EndToEnd.Tests.Pricing;

/// <summary><c>Ingress:CostHeader=false</c>: no header on the answer, the cost still metered.</summary>
public sealed class CostHeaderOffTests(NoCostHeaderMesh mesh) : IClassFixture<NoCostHeaderMesh>
{
    [Fact]
    public async Task The_header_is_absent_and_the_cost_still_reaches_metering()
    {
        ClientResult<ChatCompletion> result = await mesh.Client().GetChatClient("gpt-4o-mini")
            .CompleteChatAsync([new UserChatMessage("echo: quiet")]);

        Assert.Null(CostTests.Header(result.GetRawResponse(), "x-aimesh-cost"));
        var requestId = Guid.Parse(CostTests.Header(result.GetRawResponse(), "x-request-id")!);
        UsageRow? row = null;
        for (var i = 0; i < 200 && row is null; i++)
        {
            row = (await mesh.UsageAsync()).FirstOrDefault(u => u.RequestId == requestId);
            await Task.Delay(row is null ? 50 : 0);
        }

        var usage = result.Value.Usage;
        Assert.Equal(((usage.InputTokenCount * 1.00m) + (usage.OutputTokenCount * 2.00m)) / 1_000_000m, row!.Cost);
    }
}
