using System.Net;
using System.Net.Http.Json;
using AiMesh.Contracts.Metering;
using AiMesh.Policy.Tests.Support;
using AiMesh.Prompts;

namespace AiMesh.Policy.Tests.Admin;

/// <summary>
/// Prompt experiments over HTTP (services/policy/Admin/PromptExperimentEndpoints.cs) with the prompts service beside
/// policy and metering stubbed: a split started, shown on the prompt, changed and ended, every change audited; faults as
/// ProblemDetails; the stats asked of metering for the prompt and the period. Who may do what is in
/// <see cref="RbacMatrixTests"/>.
/// </summary>
public sealed class PromptExperimentEndpointTests
{
    [Fact]
    public async Task A_split_is_started_shown_changed_and_ended_each_change_audited()
    {
        await using var host = await AdminHost.StartAsync(null, new PromptsModule());
        using var admin = host.Client();
        await admin.PostOkAsync("/admin/prompts", new { name = "support" });
        foreach (var text in new[] { "one", "two" })
        {
            await admin.PostOkAsync("/admin/prompts/support/versions", new { messages = new[] { new { role = "system", content = text } } });
        }

        await AdminApi.OkAsync(await admin.PutAsJsonAsync("/admin/prompts/support/labels/production", new { version = 1 }));

        var split = await AdminApi.OkAsync(await admin.PutAsJsonAsync(
            "/admin/prompts/support/labels/production/split", new { versions = new[] { new { version = 1, percent = 90 }, new { version = 2, percent = 10 } } }));
        Assert.Equal(("production", 2, 10), (split.Text("label"), split["versions"]!.AsArray().Count, split["versions"]![1]!["percent"]!.GetValue<int>()));
        var shown = await admin.GetOkAsync("/admin/prompts/support");
        Assert.Equal(90, shown["splits"]![0]!["versions"]![0]!["percent"]!.GetValue<int>());

        var sum = await AdminApi.ProblemAsync(await admin.PutAsJsonAsync(
            "/admin/prompts/support/labels/production/split", new { versions = new[] { new { version = 1, percent = 60 }, new { version = 2, percent = 30 } } }), HttpStatusCode.BadRequest);
        Assert.Contains("sum to 100", sum.Text("detail"), StringComparison.Ordinal);
        await AdminApi.ProblemAsync(await admin.PutAsJsonAsync("/admin/prompts/support/labels/production/split", new { versions = Array.Empty<object>() }), HttpStatusCode.BadRequest);
        var noLabel = await AdminApi.ProblemAsync(await admin.PutAsJsonAsync(
            "/admin/prompts/support/labels/staging/split", new { versions = new[] { new { version = 1, percent = 100 } } }), HttpStatusCode.NotFound);
        Assert.Equal("label_not_found", noLabel.Text("code"));

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/admin/prompts/support/labels/production/split")).StatusCode);
        var again = await AdminApi.ProblemAsync(await admin.DeleteAsync("/admin/prompts/support/labels/production/split"), HttpStatusCode.NotFound);
        Assert.Equal("split_not_found", again.Text("code"));
        Assert.Null((await admin.GetOkAsync("/admin/prompts/support"))["splits"]);

        var set = await admin.GetOkAsync("/admin/audit?operation=prompt.split_set&objectId=support/production");
        var ended = await admin.GetOkAsync("/admin/audit?operation=prompt.split_ended&objectId=support/production");
        Assert.Single(set["items"]!.AsArray());
        Assert.Single(ended["items"]!.AsArray());
    }

    [Fact]
    public async Task Stats_are_asked_of_metering_for_the_prompt_and_period_and_an_unknown_prompt_or_a_bad_period_is_refused_first()
    {
        var metering = new MeteringStub();
        await using var host = await AdminHost.StartAsync(null, new PromptsModule(), metering);
        using var admin = host.Client();
        await admin.PostOkAsync("/admin/prompts", new { name = "support" });

        var stats = await admin.GetOkAsync("/admin/prompts/support/stats?from=2026-11-20T00:00:00Z&to=2026-11-21T00:00:00Z");

        var asked = Assert.IsType<QueryPromptStats>(Assert.Single(metering.Asked));
        Assert.Equal(("support", new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 21, 0, 0, 0, TimeSpan.Zero), (string?)null),
            (asked.PromptId, asked.From, asked.To, asked.OrganizationId));
        var row = stats["versions"]![0]!;
        Assert.Equal(("1", 4, 0.25, 0.5), (row.Text("version"), row["requests"]!.GetValue<int>(), row["errorRate"]!.GetValue<double>(), row["feedbackMean"]!.GetValue<double>()));
        Assert.Equal(0.004m, row["cost"]!["USD"]!.GetValue<decimal>());

        await AdminApi.ProblemAsync(await admin.GetAsync("/admin/prompts/nothing/stats"), HttpStatusCode.NotFound);
        await AdminApi.ProblemAsync(await admin.GetAsync("/admin/prompts/support/stats?from=yesterday"), HttpStatusCode.BadRequest);
        Assert.Single(metering.Asked);
    }
}
