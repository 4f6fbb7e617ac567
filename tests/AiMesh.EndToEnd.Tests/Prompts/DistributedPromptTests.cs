using System.Net;
using System.Text.Json.Nodes;
using AiMesh.EndToEnd.Tests.Admin;
using AiMesh.EndToEnd.Tests.Infrastructure;

namespace AiMesh.EndToEnd.Tests.Prompts;

/// <summary>
/// Prompt chains and prompt APIs distributed: a host per service on RabbitMQ and PostgreSQL (two policies, two
/// routers). The registry is written through the admin API (ingress → policy → prompts over the broker); a chain's steps
/// cross the broker to policy, prompts and the routers while the chain saga and each step's request saga stay in the
/// ingress; the ingress learns of a published API from the prompts service's event; every call is metered once.
/// </summary>
public sealed class DistributedPromptTests(DistributedMesh mesh) : IClassFixture<DistributedMesh>
{
    [Fact]
    public async Task A_chain_and_a_prompt_API_run_across_the_services_over_the_broker_each_call_metered_once()
    {
        using var admin = AdminCalls.Client(mesh.Ingress, TestEnvironment.AdminKey);
        var id = Guid.NewGuid().ToString("N")[..12];
        var first = await PromptAsync(admin, $"p{id}-first", "echo: A {{ text }}", "text");
        var second = await PromptAsync(admin, $"p{id}-second", "echo: B {{ before }}", "before");
        await AdminCalls.OkAsync(await admin.PutAsJsonAsync($"/admin/chains/c{id}", new
        {
            model = "gpt-4o-mini",
            steps = new object[]
            {
                new { name = "first", prompt = first, variables = new Dictionary<string, string> { ["text"] = "$input.text" } },
                new { name = "second", prompt = second, variables = new Dictionary<string, string> { ["before"] = "$steps.first.output" } },
            },
        }));
        var marker = $"m{id}";

        using var client = AdminCalls.Client(mesh.Ingress, TestEnvironment.ClientKey);
        using var run = await client.PostAsJsonAsync($"/v1/chains/c{id}/run", new { text = marker });
        var answer = JsonNode.Parse(await run.Content.ReadAsStringAsync())!;
        Assert.True(run.StatusCode == HttpStatusCode.OK, answer.ToJsonString());
        Assert.Equal($"B A {marker}", answer["output"]!.GetValue<string>());
        var runId = answer["id"]!.GetValue<string>();
        foreach (var step in answer["steps"]!.AsArray())
        {
            var usage = (await AdminCalls.StoredUsageAsync(admin, step!["request_id"]!.GetValue<string>()))["usage"]!;
            Assert.Equal(("ok", runId), (usage["outcome"]!.GetValue<string>(), usage["tags"]!["aimesh.chain_run"]!.GetValue<string>()));
        }

        Assert.Equal(2, (await mesh.UsageAsync()).Count(u => u.Tags?.Contains(runId, StringComparison.Ordinal) == true));
        Assert.Single(mesh.Mock.Recorder.Snapshot(), r => r.Body.Contains($"B A {marker}", StringComparison.Ordinal));

        // The first prompt as an API: the ingress serves it once the prompts service's event has reached it.
        await AdminCalls.OkAsync(await admin.PutAsJsonAsync($"/admin/prompts/{first}/api", new { }));
        JsonNode? called = null;
        for (var i = 0; i < 100 && called is null; i++)
        {
            using var response = await client.PostAsJsonAsync($"/v1/prompts/{first}/run", new { text = $"api {marker}" });
            if (response.StatusCode == HttpStatusCode.OK)
            {
                called = JsonNode.Parse(await response.Content.ReadAsStringAsync());
            }
            else
            {
                Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
                await Task.Delay(100);
            }
        }

        Assert.NotNull(called);
        Assert.Equal($"A api {marker}", called["output"]!.GetValue<string>());
        var apiUsage = (await AdminCalls.StoredUsageAsync(admin, called["id"]!.GetValue<string>()))["usage"]!;
        Assert.Equal(first, apiUsage["promptId"]!.GetValue<string>());
    }

    private static async Task<string> PromptAsync(HttpClient admin, string name, string user, string variable)
    {
        await AdminCalls.OkAsync(await admin.PostAsJsonAsync("/admin/prompts", new { name }));
        await AdminCalls.OkAsync(await admin.PostAsJsonAsync(
            $"/admin/prompts/{name}/versions", new { messages = new[] { new { role = "user", content = user } }, variables = new[] { variable }, model = "gpt-4o-mini" }));
        await AdminCalls.OkAsync(await admin.PutAsJsonAsync($"/admin/prompts/{name}/labels/production", new { version = 1 }));
        return name;
    }

}
