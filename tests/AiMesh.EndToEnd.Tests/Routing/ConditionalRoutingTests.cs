using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text.Json.Nodes;
using AiMesh.EndToEnd.Tests.Admin;
using AiMesh.EndToEnd.Tests.Infrastructure;
using OpenAI.Chat;

namespace AiMesh.EndToEnd.Tests.Routing;

/// <summary>
/// Conditional routing and data residency end to end (issue 6), with the official OpenAI SDK through the embedded mesh:
/// a key an operator limits to <c>eu</c> reaches only the eu deployment, and a routing header or a metadata entry moves
/// a request to the rule's model. What the mock recorded is what the providers received.
/// </summary>
public sealed class ConditionalRoutingTests(ConditionalRoutingMesh mesh) : IClassFixture<ConditionalRoutingMesh>
{
    [Fact]
    public async Task A_key_limited_to_eu_reaches_only_the_eu_deployment()
    {
        using var admin = AdminCalls.Client(mesh.Ingress, TestEnvironment.AdminKey);
        var created = await AdminCalls.OkAsync(await admin.PostAsJsonAsync("/admin/keys", new
        {
            owner = new { userId = await AdminCalls.AdminUserAsync(admin) },
            models = new[] { "regional-model" },
            regions = new[] { "eu" },
        }));
        var secret = created["secret"]!.GetValue<string>();
        await AdminCalls.ServedAsync(mesh.Ingress, secret);
        var marker = Guid.NewGuid().ToString("N");

        for (var i = 0; i < 3; i++)
        {
            var answer = await mesh.Client(secret).GetChatClient("regional-model").CompleteChatAsync([new UserChatMessage($"eu {marker}")]);
            Assert.False(string.IsNullOrEmpty(answer.Value.Content[0].Text));
        }

        // A key without regions is served by the first deployment, in us.
        await mesh.Client().GetChatClient("regional-model").CompleteChatAsync([new UserChatMessage($"anywhere {marker}")]);

        var calls = mesh.Mock.Recorder.Snapshot().Where(r => r.Body.Contains(marker, StringComparison.Ordinal)).ToList();
        Assert.Equal(4, calls.Count);
        Assert.Equal(3, calls.Count(r => Upstream(r.Body) == "mock-eu" && r.Body.Contains("eu " + marker, StringComparison.Ordinal)));
        Assert.Equal("mock-us", Upstream(Assert.Single(calls, r => r.Body.Contains("anywhere", StringComparison.Ordinal)).Body));
    }

    [Fact]
    public async Task A_routing_header_or_a_metadata_entry_moves_a_request_to_the_rules_model()
    {
        var chat = mesh.Client().GetChatClient("gpt-4o-mini");
        var marker = Guid.NewGuid().ToString("N");

        var byHeader = new RequestOptions();
        byHeader.AddHeader("x-aimesh-route", "routed");
        var body = BinaryContent.Create(BinaryData.FromObjectAsJson(new { model = "gpt-4o-mini", messages = new[] { new { role = "user", content = $"header {marker}" } } }));
        using (var response = (await chat.CompleteChatAsync(body, byHeader)).GetRawResponse())
        {
            Assert.Equal(200, response.Status);
        }

        var withMetadata = new ChatCompletionOptions();
        withMetadata.Metadata["route"] = "routed";
        await chat.CompleteChatAsync([new UserChatMessage($"metadata {marker}")], withMetadata);
        await chat.CompleteChatAsync([new UserChatMessage($"plain {marker}")]);

        var calls = mesh.Mock.Recorder.Snapshot().Where(r => r.Body.Contains(marker, StringComparison.Ordinal)).ToList();
        Assert.Equal("mock-routed", Upstream(Assert.Single(calls, r => r.Body.Contains("header " + marker, StringComparison.Ordinal)).Body));
        Assert.Equal("mock-routed", Upstream(Assert.Single(calls, r => r.Body.Contains("metadata " + marker, StringComparison.Ordinal)).Body));
        Assert.Equal("mock-gpt", Upstream(Assert.Single(calls, r => r.Body.Contains("plain " + marker, StringComparison.Ordinal)).Body));

        // The routing header reached the router's rule, never a provider.
        Assert.All(calls, r => Assert.False(r.Headers.ContainsKey("x-aimesh-route")));
    }

    private static string Upstream(string body) => JsonNode.Parse(body)!["model"]!.GetValue<string>();
}
