using System.Net;
using System.Text.Json.Nodes;
using AiMesh.EndToEnd.Tests.Admin;
using AiMesh.EndToEnd.Tests.Infrastructure;
using OpenAI.Chat;

namespace AiMesh.EndToEnd.Tests.Prompts;

/// <summary>
/// A prompt experiment on the embedded mesh as an operator runs it and clients use it: the admin API splits
/// <c>production</c> 50/50 between two versions; requests for different end users (the OpenAI SDK's <c>user</c>) name the
/// prompt and are served one version or the other, each user always the same one; the clients score their requests
/// through <c>POST /v1/feedback</c>; and <c>/admin/prompts/{name}/stats</c> shows each version's requests, cost and mean
/// score as the requests and scores made them.
/// </summary>
public sealed class PromptExperimentTests(EmbeddedMesh mesh) : IClassFixture<EmbeddedMesh>
{
    [Fact]
    public async Task A_split_serves_users_stickily_feedback_is_posted_and_the_stats_show_each_versions_counts_cost_and_mean_score()
    {
        using var admin = AdminCalls.Client(mesh.Ingress, TestEnvironment.AdminKey);
        var name = $"exp-{Guid.NewGuid():N}";
        await AdminCalls.OkAsync(await admin.PostAsJsonAsync("/admin/prompts", new { name }));
        foreach (var words in new[] { "Version one", "Version two" })
        {
            await AdminCalls.OkAsync(await admin.PostAsJsonAsync($"/admin/prompts/{name}/versions", new
            {
                messages = new[] { new { role = "system", content = words + " about {{ topic }}." } },
                variables = new[] { "topic" },
            }));
        }

        await AdminCalls.OkAsync(await admin.PutAsJsonAsync($"/admin/prompts/{name}/labels/production", new { version = 1 }));
        await AdminCalls.OkAsync(await admin.PutAsJsonAsync(
            $"/admin/prompts/{name}/labels/production/split", new { versions = new[] { new { version = 1, percent = 50 }, new { version = 2, percent = 50 } } }));

        // 24 users, two requests each: a user's two requests get the same version; both versions serve someone.
        var chat = mesh.Client().GetChatClient("gpt-4o-mini");
        var served = new List<(Guid RequestId, int Version)>();
        for (var user = 0; user < 24; user++)
        {
            var versions = new HashSet<int>();
            for (var request = 0; request < 2; request++)
            {
                var marker = Guid.NewGuid().ToString("N");
                var options = new ChatCompletionOptions { EndUserId = $"user-{user}-{name}" };
                // The SDK has no member for AiMesh's "prompt"; its JSON patch adds one to the body, as a client would.
#pragma warning disable SCME0001 // Patch is marked for evaluation; it is the SDK's one way to send a member it does not model.
                options.Patch.Set("$.prompt"u8, BinaryData.FromString($$$"""{"id":"{{{name}}}","variables":{"topic":"{{{marker}}}"}}"""));
#pragma warning restore SCME0001
                var answer = await chat.CompleteChatAsync([new UserChatMessage("hi")], options);
                Assert.True(answer.GetRawResponse().Headers.TryGetValue("x-request-id", out var id));
                var seen = await mesh.Mock.Recorder.WaitForAsync(r => r.Body.Contains(marker, StringComparison.Ordinal), TimeSpan.FromSeconds(15));
                var version = seen.Body.Contains($"Version one about {marker}", StringComparison.Ordinal) ? 1
                    : seen.Body.Contains($"Version two about {marker}", StringComparison.Ordinal) ? 2 : 0;
                versions.Add(version);
                served.Add((Guid.Parse(id!), version));
            }

            Assert.Single(versions);
        }

        Assert.DoesNotContain(served, s => s.Version == 0);
        Assert.Equal([1, 2], served.Select(s => s.Version).Distinct().Order());

        // The caller scores each of its requests: version 1's answers good, version 2's bad; one score changed after.
        using var client = AdminCalls.Client(mesh.Ingress, TestEnvironment.ClientKey);
        foreach (var (requestId, version) in served)
        {
            var posted = await FeedbackAsync(client, requestId, version == 1 ? 1 : -1);
            Assert.False(posted["replaced"]!.GetValue<bool>());
        }

        var changed = served.First(s => s.Version == 2);
        Assert.True((await FeedbackAsync(client, changed.RequestId, 0))["replaced"]!.GetValue<bool>());

        // Another caller may not score these requests, and a bad score is refused naming the member.
        using var stranger = AdminCalls.Client(mesh.Ingress, TestEnvironment.LimitedClientKey);
        using (var refused = await stranger.PostAsJsonAsync("/v1/feedback", new { request_id = served[0].RequestId, score = 1 }))
        {
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        }

        using (var invalid = await client.PostAsJsonAsync("/v1/feedback", new { request_id = served[0].RequestId, score = 5 }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
            Assert.Equal("score", JsonNode.Parse(await invalid.Content.ReadAsStringAsync())!["error"]!["param"]!.GetValue<string>());
        }

        var stats = await AdminCalls.OkAsync(await admin.GetAsync($"/admin/prompts/{name}/stats"));
        var rows = stats["versions"]!.AsArray().ToDictionary(v => v!["version"]!.GetValue<string>(), v => v!);
        Assert.Equal(["1", "2"], rows.Keys.Order());
        foreach (var version in new[] { 1, 2 })
        {
            var row = rows[version.ToString(System.Globalization.CultureInfo.InvariantCulture)];
            var count = served.Count(s => s.Version == version);
            Assert.Equal(count, row["requests"]!.GetValue<int>());
            Assert.Equal(0, row["errors"]!.GetValue<int>());
            Assert.True(row["cost"]!["USD"]!.GetValue<decimal>() > 0);
            Assert.True(row["latencyP50Ms"]!.GetValue<double>() > 0);
            Assert.Equal(count, row["feedbackCount"]!.GetValue<int>());
            var expected = version == 1 ? 1d : (-1d * (count - 1)) / count;
            Assert.Equal(expected, row["feedbackMean"]!.GetValue<double>(), 9);
        }
    }

    /// <summary>Posts a score; the request's usage is stored just after its answer, so a 404 is retried, bounded.</summary>
    private static async Task<JsonObject> FeedbackAsync(HttpClient client, Guid requestId, double score)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var response = await client.PostAsJsonAsync("/v1/feedback", new { request_id = requestId, score, comment = "from the test" }, deadline.Token);
            if (response.StatusCode != HttpStatusCode.NotFound)
            {
                return await AdminCalls.OkAsync(response);
            }

            response.Dispose();
            await Task.Delay(100, deadline.Token);
        }
    }
}
