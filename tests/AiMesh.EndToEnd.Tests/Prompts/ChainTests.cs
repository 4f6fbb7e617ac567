using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using AiMesh.EndToEnd.Tests.Admin;
using AiMesh.EndToEnd.Tests.Infrastructure;

namespace AiMesh.EndToEnd.Tests.Prompts;

/// <summary>
/// Prompt chains as a client and an operator meet them (issue 7, "Chains"), on the embedded mesh over HTTP: prompts and
/// the chain are stored through the admin API, the chain is run at <c>/v1/chains/{name}/run</c> with a virtual key, and
/// the mock provider records what each step sent. Each prompt's user message asks the mock to echo its text, so a
/// step's output is exactly what its prompt rendered, and the provider's view shows one step's output in the next one.
/// </summary>
public sealed class ChainTests(ChainMesh mesh) : IClassFixture<ChainMesh>
{
    [Fact]
    public async Task Three_steps_run_in_order_each_output_reaching_the_next_prompt_and_each_step_metered_once()
    {
        using var admin = AdminCalls.Client(mesh.Ingress, TestEnvironment.AdminKey);
        var id = Guid.NewGuid().ToString("N");
        var chain = await ThreeStepChainAsync(admin, id, translateModel: "gpt-4o-mini");
        var marker = $"m{id}";

        using var client = AdminCalls.Client(mesh.Ingress, TestEnvironment.ClientKey);
        using var response = await client.PostAsJsonAsync($"/v1/chains/{chain}/run", new { text = marker });
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.True(response.StatusCode == HttpStatusCode.OK, answer.ToJsonString());
        Assert.Equal(chain, answer["chain"]!.GetValue<string>());
        Assert.Equal($"F3 T2 S1 {marker} calm", answer["output"]!.GetValue<string>());
        var steps = answer["steps"]!.AsArray();
        Assert.Equal(["summarize", "translate", "polish"], steps.Select(s => s!["name"]!.GetValue<string>()));
        Assert.Equal([$"S1 {marker}", $"T2 S1 {marker}", $"F3 T2 S1 {marker} calm"], steps.Select(s => s!["output"]!.GetValue<string>()));
        Assert.All(steps, s => Assert.Equal("1", s!["version"]!.GetValue<string>()));
        Assert.All(steps, s => Assert.True(s!["usage"]!["completion_tokens"]!.GetValue<int>() > 0));

        // Step 3's prompt as the provider received it carries step 2's output (and its literal).
        var polished = await mesh.Mock.Recorder.WaitForAsync(r => r.Body.Contains($"F3 T2 S1 {marker}", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        Assert.Equal($"echo: F3 T2 S1 {marker} calm", LastUserText(polished.Body));

        // One usage event per step, under the step's own request id, tagged with the chain and the run.
        var runId = answer["id"]!.GetValue<string>();
        foreach (var step in steps)
        {
            var usage = (await AdminCalls.StoredUsageAsync(admin, step!["request_id"]!.GetValue<string>()))["usage"]!;
            Assert.Equal(("ok", 200), (usage["outcome"]!.GetValue<string>(), usage["status"]!.GetValue<int>()));
            Assert.StartsWith($"p{id}-", usage["promptId"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal((chain, runId, step["name"]!.GetValue<string>()),
                (usage["tags"]!["aimesh.chain"]!.GetValue<string>(), usage["tags"]!["aimesh.chain_run"]!.GetValue<string>(), usage["tags"]!["aimesh.chain_step"]!.GetValue<string>()));
        }

        Assert.Equal(3, await EventsOfRunAsync(runId));
    }

    [Fact]
    public async Task A_failing_second_step_ends_the_chain_with_an_error_naming_it_step_three_never_reaches_the_provider_and_only_the_steps_that_ran_are_metered()
    {
        using var admin = AdminCalls.Client(mesh.Ingress, TestEnvironment.AdminKey);
        var id = Guid.NewGuid().ToString("N");
        var chain = await ThreeStepChainAsync(admin, id, translateModel: "broken-model");
        var marker = $"m{id}";

        using var client = AdminCalls.Client(mesh.Ingress, TestEnvironment.ClientKey);
        using var response = await client.PostAsJsonAsync($"/v1/chains/{chain}/run", new { text = marker });
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;

        // The step's own status: the provider's 500, as a chat completion on broken-model gets it.
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(("chain_step_failed", "steps[1]"), (error["code"]!.GetValue<string>(), error["param"]!.GetValue<string>()));
        Assert.StartsWith("Step 2 of 3 (translate) failed: ", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("translate", error["failed_step"]!["name"]!.GetValue<string>());
        Assert.Equal(["summarize"], error["steps"]!.AsArray().Select(s => s!["name"]!.GetValue<string>()));

        // The provider saw step 2 (and refused it); step 3 was never sent.
        await mesh.Mock.Recorder.WaitForAsync(r => r.Body.Contains($"T2 S1 {marker}", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(mesh.Mock.Recorder.Snapshot(), r => r.Body.Contains("F3 ", StringComparison.Ordinal) && r.Body.Contains(marker, StringComparison.Ordinal));

        // Metering holds the two steps that ran, one event each: step 1 answered, step 2 failed as its router said.
        var summarized = (await AdminCalls.StoredUsageAsync(admin, error["steps"]![0]!["request_id"]!.GetValue<string>()))["usage"]!;
        Assert.Equal("ok", summarized["outcome"]!.GetValue<string>());
        var failed = (await AdminCalls.StoredUsageAsync(admin, error["failed_step"]!["request_id"]!.GetValue<string>()))["usage"]!;
        Assert.Equal((500, "translate"), (failed["status"]!.GetValue<int>(), failed["tags"]!["aimesh.chain_step"]!.GetValue<string>()));
        Assert.Equal(2, await EventsOfRunAsync(error["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_chain_is_refused_at_save_when_a_step_reads_a_later_one_and_a_run_without_its_input_sends_nothing()
    {
        using var admin = AdminCalls.Client(mesh.Ingress, TestEnvironment.AdminKey);
        var id = Guid.NewGuid().ToString("N");
        var prompt = await PromptAsync(admin, $"p{id}-echo", "echo: {{ text }}", "text");
        using (var backwards = await admin.PutAsJsonAsync($"/admin/chains/c{id}-bad", new
        {
            model = "gpt-4o-mini",
            steps = new object[]
            {
                new { name = "a", prompt, variables = new Dictionary<string, string> { ["text"] = "$steps.b.output" } },
                new { name = "b", prompt, variables = new Dictionary<string, string> { ["text"] = "$input.text" } },
            },
        }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, backwards.StatusCode);
            Assert.Contains("steps[0] (a): variable 'text' refers to step 'b', which does not run before it.", await backwards.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var missing = await admin.GetAsync($"/admin/chains/c{id}-bad"))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        var chain = await ChainAsync(admin, $"c{id}-one", new { name = "only", prompt, variables = new Dictionary<string, string> { ["text"] = "$input.text" } });
        using var client = AdminCalls.Client(mesh.Ingress, TestEnvironment.ClientKey);
        using var noInput = await client.PostAsJsonAsync($"/v1/chains/{chain}/run", new { other = "x" });
        var error = JsonNode.Parse(await noInput.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal(HttpStatusCode.BadRequest, noInput.StatusCode);
        Assert.Equal(("invalid_chain_input", "input.text"), (error["code"]!.GetValue<string>(), error["param"]!.GetValue<string>()));
        using var unknown = await client.PostAsJsonAsync($"/v1/chains/c{id}-none/run", new { text = "x" });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var anonymous = AdminCalls.Client(mesh.Ingress, null);
        using var refused = await anonymous.PostAsJsonAsync($"/v1/chains/{chain}/run", new { text = "x" });
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task A_logged_keys_chain_stores_each_steps_usage_with_its_bodies()
    {
        using var admin = AdminCalls.Client(mesh.Ingress, TestEnvironment.AdminKey);
        var id = Guid.NewGuid().ToString("N");
        var chain = await ThreeStepChainAsync(admin, id, translateModel: "gpt-4o-mini");
        var created = await AdminCalls.OkAsync(await admin.PostAsJsonAsync(
            "/admin/keys", new { owner = new { userId = await AdminCalls.AdminUserAsync(admin) }, models = new[] { "gpt-4o-mini" }, logBodies = true }));
        var secret = created["secret"]!.GetValue<string>();
        await AdminCalls.ServedAsync(mesh.Ingress, secret);
        var marker = $"m{id}";

        using var client = AdminCalls.Client(mesh.Ingress, secret);
        using var response = await client.PostAsJsonAsync($"/v1/chains/{chain}/run", new { text = marker });
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.True(response.StatusCode == HttpStatusCode.OK, answer.ToJsonString());

        // A step has no exchange of its own: its saga fills the capture, so each usage event is stored, with the body
        // the chain made for the step (its prompt and variables, as a client's request is logged as sent), its rendered body
        // and the answer.
        foreach (var step in answer["steps"]!.AsArray())
        {
            var read = await AdminCalls.StoredUsageAsync(admin, step!["request_id"]!.GetValue<string>());
            var request = JsonNode.Parse(read["bodies"]!["request"]!.GetValue<string>())!;
            Assert.Equal($"p{id}-{step["name"]!.GetValue<string>()}", request["prompt"]!["id"]!.GetValue<string>());
            var stored = JsonNode.Parse(read["bodies"]!["response"]!.GetValue<string>())!;
            Assert.Equal(step["output"]!.GetValue<string>(), stored["choices"]![0]!["message"]!["content"]!.GetValue<string>());

            // And the step's rendered body: its template filled in, what the provider got.
            var rendered = JsonNode.Parse(read["bodies"]!["rendered"]!.GetValue<string>())!;
            Assert.Null(rendered["prompt"]);
            var tag = new Dictionary<string, string> { ["summarize"] = "echo: S1 ", ["translate"] = "echo: T2 ", ["polish"] = "echo: F3 " }[step["name"]!.GetValue<string>()];
            Assert.Contains(rendered["messages"]!.AsArray(), m => m!["content"]!.GetValue<string>() is var text
                && text.StartsWith(tag, StringComparison.Ordinal) && text.Contains(marker, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_client_leaving_mid_chain_stops_the_step_under_way_meters_it_cancelled_and_sends_no_later_step()
    {
        using var admin = AdminCalls.Client(mesh.Ingress, TestEnvironment.AdminKey);
        var id = Guid.NewGuid().ToString("N");
        var slow = await PromptAsync(admin, $"p{id}-slow", "slow {{ text }}", "text");
        var echo = await PromptAsync(admin, $"p{id}-echo", "echo: E2 {{ before }}", "before");
        var chain = await ChainAsync(
            admin,
            $"c{id}",
            new { name = "slow", prompt = slow, model = "lagging-model", variables = new Dictionary<string, string> { ["text"] = "$input.text" } },
            new { name = "echo", prompt = echo, variables = new Dictionary<string, string> { ["before"] = "$steps.slow.output" } });
        var marker = $"m{id}";

        // The client gives up while the provider holds step 1 (lagging-model answers after 3 s).
        using var client = AdminCalls.Client(mesh.Ingress, TestEnvironment.ClientKey);
        using var leave = new CancellationTokenSource();
        var run = client.PostAsJsonAsync($"/v1/chains/{chain}/run", new { text = marker }, leave.Token);
        await WaitForAsync(() => Task.FromResult(mesh.Mock.Recorder.Snapshot().FirstOrDefault(r => r.Body.Contains($"slow {marker}", StringComparison.Ordinal))));
        await leave.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);

        // The chain saga abandons the step: the router stops the provider call, and the step is metered, cancelled.
        var stopped = await mesh.Mock.Recorder.WaitForAsync(
            r => r.Body.Contains($"slow {marker}", StringComparison.Ordinal) && r.Cancelled, TimeSpan.FromSeconds(15));
        Assert.False(stopped.Completed);
        var usage = await WaitForAsync(async () => (await mesh.UsageAsync()).SingleOrDefault(u => u.Tags?.Contains($"c{id}", StringComparison.Ordinal) == true));
        Assert.Equal(("client_cancelled", 499), (usage.Outcome, usage.Status));

        // Step 2 never reaches the provider.
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.DoesNotContain(mesh.Mock.Recorder.Snapshot(), r => r.Body.Contains("E2 ", StringComparison.Ordinal) && r.Body.Contains(marker, StringComparison.Ordinal));
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> read)
        where T : class
    {
        for (var i = 0; i < 200; i++)
        {
            if (await read() is { } found)
            {
                return found;
            }

            await Task.Delay(50);
        }

        throw new Xunit.Sdk.XunitException("Not found in time.");
    }

    /// <summary>summarize (echo "S1 text") → translate (echo "T2 " + summarize's output, on <paramref name="translateModel"/>) → polish (echo "F3 " + translate's output + a literal).</summary>
    private static async Task<string> ThreeStepChainAsync(HttpClient admin, string id, string translateModel)
    {
        var summarize = await PromptAsync(admin, $"p{id}-summarize", "echo: S1 {{ text }}", "text");
        var translate = await PromptAsync(admin, $"p{id}-translate", "echo: T2 {{ summary }}", "summary");
        var polish = await PromptAsync(admin, $"p{id}-polish", "echo: F3 {{ translated }} {{ tone }}", "translated", "tone");
        return await ChainAsync(
            admin,
            $"c{id}",
            new { name = "summarize", prompt = summarize, variables = new Dictionary<string, string> { ["text"] = "$input.text" } },
            new { name = "translate", prompt = translate, version = 1, model = translateModel, variables = new Dictionary<string, string> { ["summary"] = "$steps.summarize.output" } },
            new { name = "polish", prompt = polish, label = "production", variables = new Dictionary<string, string> { ["translated"] = "$steps.translate.output", ["tone"] = "calm" } });
    }

    private static async Task<string> ChainAsync(HttpClient admin, string name, params object[] steps)
    {
        var saved = await AdminCalls.OkAsync(await admin.PutAsJsonAsync($"/admin/chains/{name}", new { model = "gpt-4o-mini", steps }));
        Assert.Equal(steps.Length, saved["steps"]!.AsArray().Count);
        return name;
    }

    private static async Task<string> PromptAsync(HttpClient admin, string name, string user, params string[] variables)
    {
        await AdminCalls.OkAsync(await admin.PostAsJsonAsync("/admin/prompts", new { name }));
        await AdminCalls.OkAsync(await admin.PostAsJsonAsync($"/admin/prompts/{name}/versions", new { messages = new[] { new { role = "user", content = user } }, variables }));
        await AdminCalls.OkAsync(await admin.PutAsJsonAsync($"/admin/prompts/{name}/labels/production", new { version = 1 }));
        return name;
    }

    /// <summary>How many stored usage events carry the run's tag (read once every event the run's answer named is there).</summary>
    private async Task<int> EventsOfRunAsync(string runId) =>
        (await mesh.UsageAsync()).Count(u => u.Tags?.Contains(runId, StringComparison.Ordinal) == true);

    private static string LastUserText(string body) =>
        JsonDocument.Parse(body).RootElement.GetProperty("messages").EnumerateArray().Last(m => m.GetProperty("role").GetString() == "user").GetProperty("content").GetString()!;
}
