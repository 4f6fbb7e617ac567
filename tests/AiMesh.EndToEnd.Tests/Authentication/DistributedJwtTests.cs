using OpenAI.Chat;

namespace AiMesh.EndToEnd.Tests.Authentication;

/// <summary>A JWT through the distributed mesh: the principal crosses RabbitMQ to policy, the token does not.</summary>
public sealed class DistributedJwtTests(DistributedJwtMesh mesh) : IClassFixture<DistributedJwtMesh>
{
    [Fact]
    public async Task A_token_is_served_and_metered_while_only_its_claims_cross_the_broker()
    {
        var subject = "svc-" + Guid.NewGuid().ToString("N");
        var token = TestIdentityProvider.Mint(mesh.Rsa, DistributedJwtMesh.Issuer, DistributedJwtMesh.Audience, subject,
            new Dictionary<string, object> { ["team"] = "platform", ["roles"] = new[] { "member" } });

        ChatCompletion completion = await mesh.Client(token).GetChatClient("gpt-4o-mini").CompleteChatAsync([new UserChatMessage("echo: across the broker")]);

        Assert.Equal("across the broker", completion.Content[0].Text);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!(await mesh.UsageAsync()).Any(r => r.PrincipalId == "user:" + subject))
        {
            await Task.Delay(100, deadline.Token);
        }

        Assert.Contains(mesh.Capture.Messages, m => m.StartsWith("consume AuthorizeRequest", StringComparison.Ordinal) && m.Contains(subject, StringComparison.Ordinal));
        Assert.Empty(mesh.Capture.Find(token));
        Assert.Empty(mesh.Capture.Find(token.Split('.')[2]));
    }
}
