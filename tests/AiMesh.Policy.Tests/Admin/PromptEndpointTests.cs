using System.Net;
using System.Net.Http.Json;
using AiMesh.Policy.Tests.Support;
using AiMesh.Prompts;

namespace AiMesh.Policy.Tests.Admin;

/// <summary>
/// <c>/admin/prompts</c> (services/policy/Admin/PromptEndpoints.cs) with the prompts service hosted beside policy on the
/// in-memory bus, as embedded: the whole life of a prompt over HTTP, faults as ProblemDetails that name the variable or
/// the conflict, and 503 when no prompts service answers. Who may do what is in <see cref="RbacMatrixTests"/>.
/// </summary>
public sealed class PromptEndpointTests
{
    [Fact]
    public async Task A_prompt_is_created_published_labelled_previewed_diffed_and_rolled_back_over_http()
    {
        await using var host = await AdminHost.StartAsync(null, new PromptsModule());
        using var admin = host.Client();

        using var created = await admin.PostAsJsonAsync("/admin/prompts", new { name = "support" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/admin/prompts/support", created.Headers.Location?.OriginalString);
        await AdminApi.ProblemAsync(await admin.PostAsJsonAsync("/admin/prompts", new { name = "support" }), HttpStatusCode.Conflict);

        var one = await admin.PostOkAsync("/admin/prompts/support/versions", new
        {
            messages = new[] { new { role = "system", content = "Help with {{ product }}." } },
            variables = new[] { "product" },
            model = "gpt-4o-mini",
            parameters = new { temperature = 0.2 },
            message = "first",
        });
        var two = await admin.PostOkAsync("/admin/prompts/support/versions", new
        {
            messages = new[] { new { role = "system", content = "Help with {{ product }}.\nBe brief." } },
            variables = new[] { "product" },
            message = "brief",
        });
        Assert.Equal((1, 2), (one["number"]!.GetValue<int>(), two["number"]!.GetValue<int>()));
        Assert.StartsWith("user:", one.Text("author"), StringComparison.Ordinal);

        var label = await AdminApi.OkAsync(await admin.PutAsJsonAsync("/admin/prompts/support/labels/production", new { version = 1 }));
        Assert.Equal(1, label["version"]!.GetValue<int>());
        await AdminApi.OkAsync(await admin.PutAsJsonAsync("/admin/prompts/support/labels/production", new { version = 2, expectedVersion = 1 }));
        var stale = await AdminApi.ProblemAsync(await admin.PutAsJsonAsync("/admin/prompts/support/labels/production", new { version = 1, expectedVersion = 1 }), HttpStatusCode.Conflict);
        Assert.Equal("label_moved", stale.Text("code"));

        var preview = await admin.PostOkAsync("/admin/prompts/support/render", new { variables = new { product = "tea" } });
        Assert.Equal(("2", "Help with tea.\nBe brief."), (preview.Text("version"), preview["messages"]![0]!.Text("content")));
        var missing = await AdminApi.ProblemAsync(await admin.PostAsJsonAsync("/admin/prompts/support/render", new { variables = new { } }), HttpStatusCode.BadRequest);
        Assert.Contains("'product'", missing.Text("detail"), StringComparison.Ordinal);

        var diff = await admin.GetOkAsync("/admin/prompts/support/diff?from=1&to=2");
        Assert.Contains("+Be brief.", diff.Text("diff"), StringComparison.Ordinal);
        Assert.Contains("-model: gpt-4o-mini", diff.Text("diff"), StringComparison.Ordinal);

        var back = await admin.PostOkAsync("/admin/prompts/support/labels/production/rollback", new { });
        Assert.Equal(1, back["version"]!.GetValue<int>());

        var prompt = await admin.GetOkAsync("/admin/prompts/support");
        Assert.Equal(2, prompt["versions"]!.AsArray().Count);
        Assert.Equal(1, prompt["labels"]![0]!["version"]!.GetValue<int>());
        Assert.Equal("first", (await admin.GetOkAsync("/admin/prompts/support/versions/1")).Text("message"));
        var listed = await admin.GetOkAsync("/admin/prompts?limit=1");
        Assert.Equal("support", listed["items"]![0]!.Text("name"));
        await AdminApi.ProblemAsync(await admin.GetAsync("/admin/prompts/support/versions/9"), HttpStatusCode.NotFound);
        await AdminApi.ProblemAsync(await admin.GetAsync("/admin/prompts/nothing"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Every_published_API_is_listed_by_name_a_page_at_a_time_with_what_it_runs()
    {
        await using var host = await AdminHost.StartAsync(null, new PromptsModule());
        using var admin = host.Client();
        foreach (var name in new[] { "listed-c", "listed-a", "listed-b", "listed-unpublished" })
        {
            await AdminApi.OkAsync(await admin.PostAsJsonAsync("/admin/prompts", new { name }));
            await admin.PostOkAsync($"/admin/prompts/{name}/versions", new { messages = new[] { new { role = "user", content = "hi" } }, model = "gpt-4o-mini" });
            await AdminApi.OkAsync(await admin.PutAsJsonAsync($"/admin/prompts/{name}/labels/production", new { version = 1 }));
        }

        await AdminApi.OkAsync(await admin.PutAsJsonAsync("/admin/prompts/listed-a/api", new { path = "/apis/a", requestsPerMinute = 7 }));
        await AdminApi.OkAsync(await admin.PutAsJsonAsync("/admin/prompts/listed-b/api", new { version = 1, output = "json", enabled = false }));
        await AdminApi.OkAsync(await admin.PutAsJsonAsync("/admin/prompts/listed-c/api", new { label = "production" }));

        var first = await admin.GetOkAsync("/admin/prompts/apis?limit=2");
        var second = await admin.GetOkAsync($"/admin/prompts/apis?limit=2&cursor={first.Text("nextCursor")}");

        Assert.Equal(["listed-a", "listed-b"], first["items"]!.AsArray().Select(i => i!.Text("name")));
        Assert.Equal(["listed-c"], second["items"]!.AsArray().Select(i => i!.Text("name")));
        Assert.Null(second["nextCursor"]);
        var (a, b) = (first["items"]![0]!, first["items"]![1]!);
        Assert.Equal(("/apis/a", "production", 7, "text", 1), (a.Text("path"), a.Text("label"), a["requestsPerMinute"]!.GetValue<int>(), a.Text("output"), a["currentVersion"]!.GetValue<int>()));
        Assert.Equal((null, 1, "json", false), (b["label"]?.GetValue<string>(), b["version"]!.GetValue<int>(), b.Text("output"), b["enabled"]!.GetValue<bool>()));

        // The list's segment is not a prompt's name: creating one so called is refused; a bad limit is named.
        var reserved = await AdminApi.ProblemAsync(await admin.PostAsJsonAsync("/admin/prompts", new { name = "apis" }), HttpStatusCode.BadRequest);
        Assert.Contains("reserved", reserved.ToJsonString(), StringComparison.Ordinal);
        var badLimit = await AdminApi.ProblemAsync(await admin.GetAsync("/admin/prompts/apis?limit=0"), HttpStatusCode.BadRequest);
        Assert.Contains("limit", badLimit.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_registry_write_is_audited_after_it_happened_and_a_refused_one_is_not()
    {
        await using var host = await AdminHost.StartAsync(null, new PromptsModule());
        using var admin = host.Client();

        await AdminApi.OkAsync(await admin.PostAsJsonAsync("/admin/prompts", new { name = "audited" }));
        foreach (var text in new[] { "one", "two" })
        {
            await admin.PostOkAsync("/admin/prompts/audited/versions", new { messages = new[] { new { role = "user", content = text } }, model = "gpt-4o-mini" });
        }

        await AdminApi.OkAsync(await admin.PutAsJsonAsync("/admin/prompts/audited/labels/production", new { version = 1 }));
        await AdminApi.OkAsync(await admin.PutAsJsonAsync("/admin/prompts/audited/labels/production", new { version = 2 }));
        await admin.PostOkAsync("/admin/prompts/audited/labels/production/rollback", new { });
        await AdminApi.ProblemAsync(await admin.PutAsJsonAsync("/admin/prompts/audited/labels/production", new { version = 2, expectedVersion = 2 }), HttpStatusCode.Conflict);
        await AdminApi.OkAsync(await admin.PutAsJsonAsync("/admin/prompts/audited/api", new { version = 1 }));
        using (var deleted = await admin.DeleteAsync("/admin/prompts/audited/api"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        await AdminApi.OkAsync(await admin.PutAsJsonAsync("/admin/chains/audited-chain", new
        {
            model = "gpt-4o-mini",
            steps = new[] { new { name = "only", prompt = "audited", variables = new Dictionary<string, string>() } },
        }));
        using (var deleted = await admin.DeleteAsync("/admin/chains/audited-chain"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        async Task<int> CountAsync(string operation, string objectId) =>
            (await admin.GetOkAsync($"/admin/audit?operation={operation}&objectId={Uri.EscapeDataString(objectId)}"))["items"]!.AsArray().Count;

        Assert.Equal(1, await CountAsync("prompt.created", "audited"));
        Assert.Equal(1, await CountAsync("prompt.version_published", "audited/1"));
        Assert.Equal(1, await CountAsync("prompt.version_published", "audited/2"));
        Assert.Equal(2, await CountAsync("prompt.label_moved", "audited/production"));      // the 409 left none
        Assert.Equal(1, await CountAsync("prompt.label_rolled_back", "audited/production"));
        Assert.Equal(1, await CountAsync("prompt.api_set", "audited"));
        Assert.Equal(1, await CountAsync("prompt.api_deleted", "audited"));
        Assert.Equal(1, await CountAsync("chain.saved", "audited-chain"));
        Assert.Equal(1, await CountAsync("chain.deleted", "audited-chain"));
        var rollback = (await admin.GetOkAsync("/admin/audit?operation=prompt.label_rolled_back&objectId=audited%2Fproduction"))["items"]![0]!;
        Assert.Contains("\"version\":2", rollback["before"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("\"version\":1", rollback["after"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_version_whose_template_fails_is_400_naming_the_fault_and_nothing_of_the_server()
    {
        await using var host = await AdminHost.StartAsync(null, new PromptsModule());
        using var admin = host.Client();
        await admin.PostOkAsync("/admin/prompts", new { name = "broken" });

        var undeclared = await AdminApi.ProblemAsync(
            await admin.PostAsJsonAsync("/admin/prompts/broken/versions", new { messages = new[] { new { role = "system", content = "Hi {{ customer }}" } } }),
            HttpStatusCode.BadRequest);
        var syntax = await AdminApi.ProblemAsync(
            await admin.PostAsJsonAsync("/admin/prompts/broken/versions", new { messages = new[] { new { role = "system", content = "{% for x in %}" } } }),
            HttpStatusCode.BadRequest);

        Assert.Contains("'customer'", undeclared.Text("detail"), StringComparison.Ordinal);
        Assert.Equal("invalid_prompt", syntax.Text("code"));
        Assert.DoesNotContain("Exception", syntax.ToJsonString(), StringComparison.Ordinal);
        Assert.Empty((await admin.GetOkAsync("/admin/prompts/broken"))["versions"]!.AsArray());
    }

    [Fact]
    public async Task No_prompts_service_answering_is_a_503_problem()
    {
        await using var host = await AdminHost.StartAsync();
        using var admin = host.Client();

        var problem = await AdminApi.ProblemAsync(await admin.GetAsync("/admin/prompts/support"), HttpStatusCode.ServiceUnavailable);

        Assert.Contains("prompts service did not answer", problem.Text("detail"), StringComparison.Ordinal);
    }
}
