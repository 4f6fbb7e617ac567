using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text.Json.Nodes;
using AiMesh.EndToEnd.Tests.Admin;
using AiMesh.EndToEnd.Tests.Infrastructure;
using OpenAI;
using OpenAI.Chat;

namespace AiMesh.EndToEnd.Tests.Prompts;

/// <summary>
/// The prompt registry as a team uses it on the embedded mesh: an operator creates a prompt, publishes versions and
/// moves labels through the admin API; an application names the prompt with the official OpenAI SDK, unchanged but
/// for headers (<c>x-aimesh-prompt…</c>, since the SDK's typed calls cannot add a body member). The provider receives
/// the rendered version the label points at, the usage event records the prompt and version, a label move is served
/// by the next request, and variables outside the version's schema are refused with 400 naming the variable.
/// </summary>
public sealed class StoredPromptTests(EmbeddedMesh mesh) : IClassFixture<EmbeddedMesh>
{
    [Fact]
    public async Task An_sdk_request_naming_a_stored_prompt_by_header_gets_the_labelled_version_and_is_metered_with_it()
    {
        using var admin = AdminCalls.Client(mesh.Ingress, TestEnvironment.AdminKey);
        var name = $"persona-{Guid.NewGuid():N}";
        await AdminCalls.OkAsync(await admin.PostAsJsonAsync("/admin/prompts", new { name }));
        foreach (var text in new[] { "one", "two" })
        {
            await AdminCalls.OkAsync(await admin.PostAsJsonAsync($"/admin/prompts/{name}/versions", new
            {
                messages = new[] { new { role = "system", content = $"Answer as a {{{{ persona }}}}, version {text}." } },
                variables = new[] { "persona" },
                variablesSchema = JsonNode.Parse("""{"type":"object","properties":{"persona":{"enum":["pirate","poet"]}},"required":["persona"]}"""),
                message = text,
            }));
        }

        await AdminCalls.OkAsync(await admin.PutAsJsonAsync($"/admin/prompts/{name}/labels/production", new { version = 1 }));
        await AdminCalls.OkAsync(await admin.PutAsJsonAsync($"/admin/prompts/{name}/labels/staging", new { version = 2 }));

        // No version or label named: production.
        var first = await AskAsync(new() { ["x-aimesh-prompt"] = name, ["x-aimesh-prompt-variables"] = """{"persona":"pirate"}""" });
        Assert.Equal("Answer as a pirate, version one.", first.System);
        var usage = (await AdminCalls.StoredUsageAsync(admin, first.RequestId.ToString()))["usage"]!;
        Assert.Equal((name, "1"), (usage["promptId"]!.GetValue<string>(), usage["promptVersion"]!.GetValue<string>()));

        // The label moved through the admin API is what the next request gets.
        await AdminCalls.OkAsync(await admin.PutAsJsonAsync($"/admin/prompts/{name}/labels/production", new { version = 2, expectedVersion = 1 }));
        Assert.Equal("Answer as a poet, version two.", (await AskAsync(new() { ["x-aimesh-prompt"] = name, ["x-aimesh-prompt-variables"] = """{"persona":"poet"}""" })).System);
        Assert.Equal("Answer as a poet, version one.", (await AskAsync(new() { ["x-aimesh-prompt"] = name, ["x-aimesh-prompt-version"] = "1", ["x-aimesh-prompt-variables"] = """{"persona":"poet"}""" })).System);
        Assert.Equal("Answer as a poet, version two.", (await AskAsync(new() { ["x-aimesh-prompt"] = name, ["x-aimesh-prompt-label"] = "staging", ["x-aimesh-prompt-variables"] = """{"persona":"poet"}""" })).System);

        // Outside the version's schema: 400 naming the variable, and nothing reaches the provider.
        var refused = await Assert.ThrowsAsync<ClientResultException>(() =>
            AskAsync(new() { ["x-aimesh-prompt"] = name, ["x-aimesh-prompt-variables"] = """{"persona":"robot"}""" }));
        Assert.Equal(400, refused.Status);
        var error = JsonNode.Parse(refused.GetRawResponse()!.Content.ToString())!["error"]!;
        Assert.Equal(("invalid_prompt_variables", "prompt.variables.persona"), (error["code"]!.GetValue<string>(), error["param"]!.GetValue<string>()));
        Assert.DoesNotContain(mesh.Mock.Recorder.Snapshot(), r => r.Body.Contains("robot", StringComparison.Ordinal));

        // A variables header without the prompt's name is refused, not ignored.
        var orphan = await Assert.ThrowsAsync<ClientResultException>(() => AskAsync(new() { ["x-aimesh-prompt-variables"] = """{"persona":"poet"}""" }));
        Assert.Equal(400, orphan.Status);
    }

    /// <summary>One chat completion through the SDK with <paramref name="headers"/> added; the system message the provider got.</summary>
    private async Task<(string System, Guid RequestId)> AskAsync(Dictionary<string, string> headers)
    {
        var marker = Guid.NewGuid().ToString("N");
        var options = new OpenAIClientOptions { Endpoint = new Uri(mesh.Ingress, "v1"), RetryPolicy = new ClientRetryPolicy(0), NetworkTimeout = TimeSpan.FromSeconds(60) };
        var seenRequest = new RequestIdPolicy(headers);
        options.AddPolicy(seenRequest, PipelinePosition.PerCall);
        var client = new OpenAIClient(new ApiKeyCredential(TestEnvironment.ClientKey), options).GetChatClient("gpt-4o-mini");

        await client.CompleteChatAsync([new UserChatMessage($"hello {marker}")]);
        var seen = await mesh.Mock.Recorder.WaitForAsync(r => r.Body.Contains(marker, StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        var messages = JsonNode.Parse(seen.Body)!["messages"]!.AsArray();
        Assert.Equal(("system", $"hello {marker}"), (messages[0]!["role"]!.GetValue<string>(), messages[1]!["content"]!.GetValue<string>()));
        return (messages[0]!["content"]!.GetValue<string>(), seenRequest.RequestId);
    }

    /// <summary>Adds the prompt headers to every call and keeps the <c>x-request-id</c> the gateway answered with.</summary>
    private sealed class RequestIdPolicy(Dictionary<string, string> headers) : PipelinePolicy
    {
        public Guid RequestId { get; private set; }

        public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex) =>
            ProcessAsync(message, pipeline, currentIndex).AsTask().GetAwaiter().GetResult();

        public override async ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
        {
            foreach (var (name, value) in headers)
            {
                message.Request.Headers.Set(name, value);
            }

            await ProcessNextAsync(message, pipeline, currentIndex);
            if (message.Response?.Headers.TryGetValue("x-request-id", out var id) == true && Guid.TryParse(id, out var parsed))
            {
                RequestId = parsed;
            }
        }
    }
}
