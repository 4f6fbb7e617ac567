using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text;
using System.Text.Json.Nodes;
using AiMesh.EndToEnd.Tests.Infrastructure;
using OpenAI;
using OpenAI.Chat;

namespace AiMesh.EndToEnd.Tests.Admin;

/// <summary>
/// Body logging on the embedded mesh, as an operator switches it on and a client uses it with the official OpenAI SDK:
/// the stored bodies hold the prompt and the answer with the secrets masked, while the provider got the prompt as sent
/// (bodies are logged, never altered); a key without the flag stores none; a team's flag covers its keys; a request
/// naming a stored prompt keeps its rendered body too, only when logged. Read back through
/// <c>GET /admin/usage/requests/{id}</c>, each read audited.
/// </summary>
public sealed class BodyLoggingTests(EmbeddedMesh mesh) : IClassFixture<EmbeddedMesh>
{
    private const string ProviderKey = "sk-abc123def456ghi789jkl012mno345";
    private const string Password = "hunter2-Zo\u00eb";

    private static readonly string Prompt = $$"""echo: deploy with {{ProviderKey}} and {"password": "{{Password}}"} please""";

    [Fact]
    public async Task A_logged_keys_whole_answer_is_stored_redacted_and_the_provider_got_it_as_sent()
    {
        using var admin = Client(TestEnvironment.AdminKey);
        var (secret, keyId) = await KeyAsync(admin, new { userId = await AdminUserAsync(admin) }, logBodies: true);
        var marker = Guid.NewGuid().ToString("N");

        var requestId = await NewRequestAsync(async () =>
        {
            var answer = await mesh.Client(secret).GetChatClient("gpt-4o-mini").CompleteChatAsync([new UserChatMessage($"{Prompt} {marker}")]);
            Assert.Contains(ProviderKey, answer.Value.Content[0].Text, StringComparison.Ordinal);
        });

        var seen = await mesh.Mock.Recorder.WaitForAsync(r => r.Body.Contains(marker, StringComparison.Ordinal), TimeSpan.FromSeconds(15));
        Assert.Contains(ProviderKey, seen.Body, StringComparison.Ordinal);
        Assert.Contains("hunter2", seen.Body, StringComparison.Ordinal);

        var read = await ReadAsync(admin, requestId);
        Assert.Equal(keyId.ToString(), read["usage"]!["keyId"]!.GetValue<string>());
        var bodies = read["bodies"]!;
        var request = bodies["request"]!.GetValue<string>();
        var response = bodies["response"]!.GetValue<string>();
        AssertRedacted(request, marker, secret);
        AssertRedacted(response, marker, secret);
        Assert.False(bodies["requestTruncated"]!.GetValue<bool>());
        var content = JsonNode.Parse(request)!["messages"]![0]!["content"]!.GetValue<string>();
        Assert.Equal($$"""echo: deploy with [redacted] and {"password": "[redacted]"} please {{marker}}""", content);
        Assert.Equal("chat.completion", JsonNode.Parse(response)!["object"]!.GetValue<string>());

        var audit = await OkAsync(await admin.GetAsync($"/admin/audit?operation=usage.request_read&objectId={requestId}"));
        Assert.Single(audit["items"]!.AsArray());
    }

    [Fact]
    public async Task A_logged_keys_stream_is_stored_assembled_and_redacted()
    {
        using var admin = Client(TestEnvironment.AdminKey);
        var (secret, _) = await KeyAsync(admin, new { userId = await AdminUserAsync(admin) }, logBodies: true);
        var marker = Guid.NewGuid().ToString("N");

        var requestId = await NewRequestAsync(async () =>
        {
            var text = new StringBuilder();
            await foreach (var update in mesh.Client(secret).GetChatClient("gpt-4o-mini").CompleteChatStreamingAsync([new UserChatMessage($"{Prompt} {marker}")]))
            {
                foreach (var part in update.ContentUpdate)
                {
                    text.Append(part.Text);
                }
            }

            Assert.Contains(ProviderKey, text.ToString(), StringComparison.Ordinal);
        });

        var read = await ReadAsync(admin, requestId);
        var bodies = read["bodies"]!;
        var request = bodies["request"]!.GetValue<string>();
        var response = bodies["response"]!.GetValue<string>();
        AssertRedacted(request, marker, secret);
        AssertRedacted(response, marker, secret);
        Assert.True(JsonNode.Parse(request)!["stream"]!.GetValue<bool>());
        var choice = JsonNode.Parse(response)!["choices"]![0]!;
        Assert.StartsWith("deploy with [redacted] and", choice["content"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("stop", choice["finish_reason"]!.GetValue<string>());
        Assert.True(read["usage"]!["stream"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_key_without_the_flag_stores_no_body()
    {
        using var admin = Client(TestEnvironment.AdminKey);
        var (secret, _) = await KeyAsync(admin, new { userId = await AdminUserAsync(admin) }, logBodies: false);

        var requestId = await NewRequestAsync(() => mesh.Client(secret).GetChatClient("gpt-4o-mini").CompleteChatAsync([new UserChatMessage($"{Prompt} unlogged")]));

        var read = await ReadAsync(admin, requestId);
        Assert.Null(read["bodies"]);
        Assert.Null(read["bodiesStoredAt"]);
        Assert.Equal("ok", read["usage"]!["outcome"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_teams_flag_applies_to_a_key_of_the_team_made_before_it_was_switched_on()
    {
        using var admin = Client(TestEnvironment.AdminKey);
        var organization = (await AdminCalls.AdminUserRowAsync(admin))["organizationId"]!.GetValue<Guid>();
        var team = (await OkAsync(await admin.PostAsJsonAsync("/admin/teams", new { organizationId = organization, name = $"logged-{Guid.NewGuid():N}" })))["id"]!.GetValue<Guid>();
        var (secret, _) = await KeyAsync(admin, new { teamId = team }, logBodies: false);
        var marker = Guid.NewGuid().ToString("N");

        var switched = await OkAsync(await admin.PatchAsJsonAsync($"/admin/teams/{team}", new { logBodies = true }));
        Assert.True(switched["logBodies"]!.GetValue<bool>());
        var requestId = await NewRequestAsync(() => mesh.Client(secret).GetChatClient("gpt-4o-mini").CompleteChatAsync([new UserChatMessage($"{Prompt} {marker}")]));

        var read = await ReadAsync(admin, requestId);
        Assert.Equal(team.ToString(), read["usage"]!["teamId"]!.GetValue<string>());
        AssertRedacted(read["bodies"]!["request"]!.GetValue<string>(), marker, secret);
    }

    [Fact]
    public async Task A_logged_keys_stored_prompt_request_keeps_the_rendered_body_redacted_and_an_unlogged_one_keeps_none()
    {
        using var admin = Client(TestEnvironment.AdminKey);
        var name = $"release-{Guid.NewGuid():N}";
        await OkAsync(await admin.PostAsJsonAsync("/admin/prompts", new { name }));
        await OkAsync(await admin.PostAsJsonAsync($"/admin/prompts/{name}/versions", new
        {
            messages = new[] { new { role = "system", content = "You are the release bot. Deploy {{ target }} now." } },
            variables = new[] { "target" },
            message = "first",
        }));
        await OkAsync(await admin.PutAsJsonAsync($"/admin/prompts/{name}/labels/production", new { version = 1 }));

        // The variable's value carries a provider key: it reaches the rendered messages, which are redacted like the request.
        var headers = new Dictionary<string, string> { ["x-aimesh-prompt"] = name, ["x-aimesh-prompt-variables"] = $$"""{"target":"with {{ProviderKey}}"}""" };
        var user = await AdminUserAsync(admin);
        var (logged, _) = await KeyAsync(admin, new { userId = user }, logBodies: true);
        var marker = Guid.NewGuid().ToString("N");

        var requestId = await NewRequestAsync(() => PromptClient(logged, headers).CompleteChatAsync([new UserChatMessage($"ship it {marker}")]));

        var seen = await mesh.Mock.Recorder.WaitForAsync(r => r.Body.Contains(marker, StringComparison.Ordinal), TimeSpan.FromSeconds(15));
        Assert.Contains($"Deploy with {ProviderKey} now.", seen.Body, StringComparison.Ordinal);
        var read = await ReadAsync(admin, requestId);
        Assert.Equal((name, "1"), (read["usage"]!["promptId"]!.GetValue<string>(), read["usage"]!["promptVersion"]!.GetValue<string>()));
        var bodies = read["bodies"]!;
        var rendered = bodies["rendered"]!.GetValue<string>();
        var messages = JsonNode.Parse(rendered)!["messages"]!.AsArray();
        Assert.Equal(("system", "You are the release bot. Deploy with [redacted] now."), (messages[0]!["role"]!.GetValue<string>(), messages[0]!["content"]!.GetValue<string>()));
        Assert.Equal($"ship it {marker}", messages[1]!["content"]!.GetValue<string>());
        Assert.False(bodies["renderedTruncated"]!.GetValue<bool>());
        Assert.DoesNotContain(ProviderKey, rendered, StringComparison.Ordinal);
        Assert.DoesNotContain(logged, rendered, StringComparison.Ordinal);

        // The request stays as the client sent it: the template's text is only in the rendered body.
        var request = bodies["request"]!.GetValue<string>();
        Assert.Contains(marker, request, StringComparison.Ordinal);
        Assert.DoesNotContain("release bot", request, StringComparison.Ordinal);

        // Without the flag: the prompt id and version on the usage, no body at all.
        var (unlogged, _) = await KeyAsync(admin, new { userId = user }, logBodies: false);
        var plainId = await NewRequestAsync(() => PromptClient(unlogged, headers).CompleteChatAsync([new UserChatMessage($"ship it {marker} unlogged")]));
        var plain = await ReadAsync(admin, plainId);
        Assert.Equal((name, "1"), (plain["usage"]!["promptId"]!.GetValue<string>(), plain["usage"]!["promptVersion"]!.GetValue<string>()));
        Assert.Null(plain["bodies"]);
        Assert.Null(plain["bodiesStoredAt"]);
    }

    /// <summary>The text carries the request's marker but none of the secrets, nor the caller's own key.</summary>
    private static void AssertRedacted(string text, string marker, string callerKey)
    {
        Assert.Contains(marker, text, StringComparison.Ordinal);
        Assert.Contains("[redacted]", text, StringComparison.Ordinal);
        Assert.DoesNotContain(ProviderKey, text, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        Assert.DoesNotContain(callerKey, text, StringComparison.Ordinal);
    }

    /// <summary>Runs one call and returns the request id of the usage event it added (bounded wait: usage is stored after the answer).</summary>
    private async Task<Guid> NewRequestAsync(Func<Task> call)
    {
        var before = (await mesh.UsageAsync()).Select(r => r.RequestId).ToHashSet();
        await call();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var added = (await mesh.UsageAsync()).Select(r => r.RequestId).Where(id => !before.Contains(id)).ToList();
            if (added.Count > 0)
            {
                return Assert.Single(added);
            }

            await Task.Delay(100, deadline.Token);
        }
    }

    private static async Task<JsonObject> ReadAsync(HttpClient admin, Guid requestId) =>
        await OkAsync(await admin.GetAsync($"/admin/usage/requests/{requestId}"));

    private async Task<(string Secret, Guid Id)> KeyAsync(HttpClient admin, object owner, bool logBodies)
    {
        var created = await OkAsync(await admin.PostAsJsonAsync("/admin/keys", new { owner, models = new[] { "gpt-4o-mini" }, logBodies }));
        Assert.Equal(logBodies, created["key"]!["logBodies"]!.GetValue<bool>());
        var secret = created["secret"]!.GetValue<string>();

        // Embedded, the replica that made the key serves it at once; asked anyway, bounded, as a client would find it.
        await AdminCalls.ServedAsync(mesh.Ingress, secret);
        return (secret, created["key"]!["id"]!.GetValue<Guid>());
    }

    private HttpClient Client(string key) => AdminCalls.Client(mesh.Ingress, key);

    /// <summary>The SDK's chat client with the prompt headers on every call (its typed calls cannot add a body member).</summary>
    private ChatClient PromptClient(string key, Dictionary<string, string> headers)
    {
        var options = new OpenAIClientOptions { Endpoint = new Uri(mesh.Ingress, "v1"), RetryPolicy = new ClientRetryPolicy(0), NetworkTimeout = TimeSpan.FromSeconds(60) };
        options.AddPolicy(new HeaderPolicy(headers), PipelinePosition.PerCall);
        return new OpenAIClient(new ApiKeyCredential(key), options).GetChatClient("gpt-4o-mini");
    }

    private static Task<Guid> AdminUserAsync(HttpClient admin) => AdminCalls.AdminUserAsync(admin);

    private static Task<JsonObject> OkAsync(HttpResponseMessage response) => AdminCalls.OkAsync(response);

    private sealed class HeaderPolicy(Dictionary<string, string> headers) : PipelinePolicy
    {
        public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
        {
            Add(message);
            ProcessNext(message, pipeline, currentIndex);
        }

        public override ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
        {
            Add(message);
            return ProcessNextAsync(message, pipeline, currentIndex);
        }

        private void Add(PipelineMessage message)
        {
            foreach (var (name, value) in headers)
            {
                message.Request.Headers.Set(name, value);
            }
        }
    }
}
