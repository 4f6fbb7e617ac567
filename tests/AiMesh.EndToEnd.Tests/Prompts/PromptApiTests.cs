using System.ClientModel;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using AiMesh.EndToEnd.Tests.Admin;
using AiMesh.EndToEnd.Tests.Infrastructure;

namespace AiMesh.EndToEnd.Tests.Prompts;

/// <summary>
/// Prompts published as APIs (issue 7), as an operator sets them up (admin API: create, publish, label, publish as an
/// API) and as clients call them: the official OpenAI SDK's HTTP pipeline and curl, over real sockets to the ingress,
/// the mock provider behind it.
/// </summary>
public sealed class PromptApiTests(PromptApiMesh mesh) : IClassFixture<PromptApiMesh>
{
    private static readonly SemaphoreSlim Setup = new(1, 1);
    private static bool published;

    [Fact]
    public async Task A_published_prompt_answers_the_SDKs_raw_HTTP_and_curl_with_the_rendered_prompt_and_its_output()
    {
        await PublishAllAsync();
        var marker = Guid.NewGuid().ToString("N");

        // The official SDK's pipeline (authentication, headers) with a body of our own: a protocol-level call.
        var client = mesh.Client();
        using var message = client.Pipeline.CreateMessage();
        message.Request.Method = "POST";
        message.Request.Uri = new Uri(mesh.Ingress, "v1/prompts/sentiment/run");
        message.Request.Headers.Set("Content-Type", "application/json");
        message.Request.Content = BinaryContent.Create(BinaryData.FromString($$"""{"text":"{{marker}} is lovely"}"""));
        await client.Pipeline.SendAsync(message);
        Assert.Equal(200, message.Response!.Status);
        var answer = JsonNode.Parse(message.Response.Content.ToString())!;
        Assert.Equal(("prompt.run", "sentiment", 1, 1), (answer["object"]!.GetValue<string>(), answer["prompt"]!.GetValue<string>(),
            answer["version"]!.GetValue<int>(), answer["attempts"]!.GetValue<int>()));
        Assert.Equal($"{marker} is lovely", answer["output"]!.GetValue<string>());
        Assert.True(answer["usage"]!["total_tokens"]!.GetValue<long>() > 0);

        // The provider got the prompt's rendered messages, not the input.
        var seen = await mesh.Mock.Recorder.WaitForAsync(r => r.Body.Contains(marker, StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        var messages = JsonNode.Parse(seen.Body)!["messages"]!.AsArray();
        Assert.Equal("Say how this feels.", messages[0]!["content"]!.GetValue<string>());
        Assert.Equal($"echo: {marker} is lovely", messages[1]!["content"]!.GetValue<string>());

        // One usage event for the call, with the prompt's id.
        var requestId = Guid.Parse(answer["id"]!.GetValue<string>());
        var usage = await EventuallyAsync(async () => (await mesh.UsageAsync()).FirstOrDefault(u => u.RequestId == requestId), TimeSpan.FromSeconds(10));
        Assert.Equal("sentiment", usage.PromptId);

        // curl, at the API's own path.
        var (status, body) = await CurlAsync("apis/sentiment", TestEnvironment.ClientKey, """{"text":"echo by curl"}""");
        Assert.Equal(200, status);
        Assert.Equal("echo by curl", JsonNode.Parse(body)!["output"]!.GetValue<string>());
    }

    [Fact]
    public async Task Input_that_breaks_the_schema_is_a_400_naming_the_field_and_an_unknown_API_a_404()
    {
        await PublishAllAsync();
        var (status, body) = await CurlAsync("v1/prompts/sentiment/run", TestEnvironment.ClientKey, """{"text":""}""");
        Assert.Equal(400, status);
        Assert.Equal("text", JsonNode.Parse(body)!["error"]!["param"]!.GetValue<string>());

        (status, body) = await CurlAsync("v1/prompts/no-such-api/run", TestEnvironment.ClientKey, """{"text":"x"}""");
        Assert.Equal(404, status);
        Assert.Equal("prompt_api_not_found", JsonNode.Parse(body)!["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Json_output_is_repaired_once_and_a_second_failure_is_a_502_never_an_invented_output()
    {
        await PublishAllAsync();

        // The mock echoes the input (not JSON); the repair call asks for JSON mode, where the mock answers {"mock":true}.
        using var http = AdminCalls.Client(mesh.Ingress, TestEnvironment.ClientKey);
        using var repaired = await http.PostAsJsonAsync("v1/prompts/classify/run", new { text = "plain words" });
        var answer = JsonNode.Parse(await repaired.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.OK, repaired.StatusCode);
        Assert.Equal(2, answer["attempts"]!.GetValue<int>());
        Assert.True(answer["output"]!["mock"]!.GetValue<bool>());
        var repair = await mesh.Mock.Recorder.WaitForAsync(
            r => r.Body.Contains("plain words", StringComparison.Ordinal) && r.Body.Contains("json_object", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        Assert.Contains("not valid", repair.Body, StringComparison.Ordinal);

        // {"mock":true} lacks "sentiment": the repair fails too.
        using var failed = await http.PostAsJsonAsync("v1/prompts/strict/run", new { text = "plain words" });
        Assert.Equal(HttpStatusCode.BadGateway, failed.StatusCode);
        var error = JsonNode.Parse(await failed.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal("output_invalid", error["code"]!.GetValue<string>());
        Assert.Contains("sentiment", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_allowed_only_an_API_calls_it_and_nothing_else()
    {
        await PublishAllAsync();
        var (status, _) = await CurlAsync("v1/prompts/sentiment/run", PromptApiMesh.ApiOnlyKey, """{"text":"fine"}""");
        Assert.Equal(200, status);

        (status, var body) = await CurlAsync("v1/prompts/classify/run", PromptApiMesh.ApiOnlyKey, """{"text":"fine"}""");
        Assert.Equal(404, status);
        Assert.Equal("prompt_api_not_found", JsonNode.Parse(body)!["error"]!["code"]!.GetValue<string>());

        (status, body) = await CurlAsync("v1/chat/completions", PromptApiMesh.ApiOnlyKey, """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}""");
        Assert.Equal(404, status);
        Assert.Equal("model_not_found", JsonNode.Parse(body)!["error"]!["code"]!.GetValue<string>());

        // A key allowed a model but not the API cannot call the API.
        (status, _) = await CurlAsync("v1/prompts/sentiment/run", TestEnvironment.LimitedClientKey, """{"text":"fine"}""");
        Assert.Equal(404, status);
    }

    [Fact]
    public async Task An_APIs_own_rate_limit_answers_429()
    {
        await PublishAllAsync();

        // Two a minute in windows aligned to the minute: of five calls at least one is refused whatever the clock.
        var statuses = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            statuses.Add((await CurlAsync("v1/prompts/limited/run", TestEnvironment.ClientKey, """{"text":"again"}""")).Status);
        }

        Assert.Equal(200, statuses[0]);
        Assert.Contains(429, statuses);
        Assert.True(statuses.Count(s => s == 200) <= 4);
    }

    [Fact]
    public async Task The_OpenAPI_description_is_generated_from_the_input_and_output_schemas()
    {
        await PublishAllAsync();
        using var http = new HttpClient { BaseAddress = mesh.Ingress };
        var document = JsonNode.Parse(await http.GetStringAsync("v1/prompts/classify/openapi.json"))!;
        Assert.Equal("3.1.0", document["openapi"]!.GetValue<string>());
        var post = document["paths"]!["/v1/prompts/classify/run"]!["post"]!;
        var input = post["requestBody"]!["content"]!["application/json"]!["schema"]!;
        Assert.Equal("text", input["required"]![0]!.GetValue<string>());
        var output = post["responses"]!["200"]!["content"]!["application/json"]!["schema"]!["properties"]!["output"]!;
        Assert.Equal("mock", output["required"]![0]!.GetValue<string>());

        var all = JsonNode.Parse(await http.GetStringAsync("v1/prompts/openapi.json"))!;
        Assert.NotNull(all["paths"]!["/apis/sentiment"]);
    }

    /// <summary>Creates, publishes, labels and publishes as APIs through the admin API, once per mesh; waits until the ingress serves them.</summary>
    private async Task PublishAllAsync()
    {
        await Setup.WaitAsync();
        try
        {
            if (published)
            {
                return;
            }

            using var admin = AdminCalls.Client(mesh.Ingress, TestEnvironment.AdminKey);
            var inputSchema = new { type = "object", properties = new { text = new { type = "string", minLength = 1 } }, required = new[] { "text" } };
            foreach (var (name, api) in new (string, object)[]
            {
                ("sentiment", new { path = "/apis/sentiment" }),
                ("classify", new { output = "json", outputSchema = new { type = "object", required = new[] { "mock" }, properties = new { mock = new { type = "boolean" } } } }),
                ("strict", new { output = "json", outputSchema = new { type = "object", required = new[] { "sentiment" } } }),
                ("limited", new { requestsPerMinute = 2 }),
            })
            {
                await AdminCalls.OkAsync(await admin.PostAsJsonAsync("/admin/prompts", new { name }));
                await AdminCalls.OkAsync(await admin.PostAsJsonAsync($"/admin/prompts/{name}/versions", new
                {
                    messages = new[] { new { role = "system", content = "Say how this feels." }, new { role = "user", content = "echo: {{ text }}" } },
                    variables = new[] { "text" },
                    variablesSchema = inputSchema,
                    model = "gpt-4o-mini",
                }));
                await AdminCalls.OkAsync(await admin.PutAsJsonAsync($"/admin/prompts/{name}/labels/production", new { version = 1 }));
                await AdminCalls.OkAsync(await admin.PutAsJsonAsync($"/admin/prompts/{name}/api", api));
            }

            var shown = await AdminCalls.OkAsync(await admin.GetAsync("/admin/prompts/sentiment/api"));
            Assert.Equal((1, "gpt-4o-mini", "production"), (shown["currentVersion"]!.GetValue<int>(), shown["currentModel"]!.GetValue<string>(), shown["label"]!.GetValue<string>()));

            // The operator's list of every published API, through the ingress's admin surface to policy and prompts.
            var listed = (await AdminCalls.OkAsync(await admin.GetAsync("/admin/prompts/apis?limit=200")))["items"]!.AsArray()
                .ToDictionary(i => i!["name"]!.GetValue<string>(), i => i!);
            Assert.Equal(
                ("/apis/sentiment", "json", 2),
                (listed["sentiment"]["path"]!.GetValue<string>(), listed["classify"]["output"]!.GetValue<string>(), listed["limited"]["requestsPerMinute"]!.GetValue<int>()));
            Assert.Contains("strict", listed.Keys);

            // The ingress learns of the APIs from the prompts service's event.
            using var http = new HttpClient { BaseAddress = mesh.Ingress };
            await EventuallyAsync(async () =>
                (await http.GetAsync("v1/prompts/limited/openapi.json")).StatusCode == HttpStatusCode.OK ? (object)true : null, TimeSpan.FromSeconds(10));
            published = true;
        }
        finally
        {
            Setup.Release();
        }
    }

    /// <summary>The first non-null value <paramref name="probe"/> gives within <paramref name="limit"/>; fails the test otherwise.</summary>
    private static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, TimeSpan limit)
        where T : class
    {
        var deadline = DateTimeOffset.UtcNow + limit;
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, $"nothing within {limit.TotalSeconds} s");
            await Task.Delay(100);
        }
    }

    /// <summary>curl on a real socket: status and body.</summary>
    private async Task<(int Status, string Body)> CurlAsync(string path, string key, string json)
    {
        var start = new ProcessStartInfo("curl")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "-sS", "-X", "POST", new Uri(mesh.Ingress, path).ToString(), "-H", $"Authorization: Bearer {key}", "-H", "Content-Type: application/json",
            "--data-binary", json, "-w", "\n%{http_code}", "--max-time", "60",
        })
        {
            start.ArgumentList.Add(arg);
        }

        using var curl = Process.Start(start)!;
        var output = await curl.StandardOutput.ReadToEndAsync();
        var error = await curl.StandardError.ReadToEndAsync();
        await curl.WaitForExitAsync();
        Assert.True(curl.ExitCode == 0, "curl failed: " + error);
        var split = output.LastIndexOf('\n');
        return (int.Parse(output[(split + 1)..], System.Globalization.CultureInfo.InvariantCulture), output[..split]);
    }
}
