using System.Text.Json.Nodes;
using AiMesh.Contracts.Prompts;
using AiMesh.Prompts.Store;
using AiMesh.Prompts.Tests.Support;

namespace AiMesh.Prompts.Tests.Registry;

/// <summary>
/// Prompts published as APIs (<c>prompt_apis</c>) on a real database, run once per provider, through the admin queue as
/// policy's admin API and the ingress ask: an API follows its label (a moved label moves it), names every fault of a
/// setting at once, keeps custom paths unique, and every change is announced to the ingress.
/// </summary>
public abstract class PromptApiSpecs(ITestDatabase database)
{
    private static readonly VersionDraft Draft = new(
        [new PromptMessage("user", "Tell me about {{ topic }}.")], ["topic"], null, null, null, "ada", "first");

    [Fact]
    public async Task An_API_follows_its_label_resolves_its_model_and_input_schema_and_is_listed_for_the_ingress()
    {
        await using var host = await StartAsync();
        var name = await PromptAsync(host, Draft, Draft with { Model = "gpt-4o-mini", VariablesSchema = """{"type":"object","required":["topic"]}""" });
        var path = $"/apis/{name}/run";

        var (_, noModel) = await SetAsync(host, Set(name) with { Model = null });
        Assert.Equal((400, "invalid_prompt"), (noModel!.Status, noModel.Code));
        Assert.Contains("needs a model", noModel.Message, StringComparison.Ordinal);

        var (found, _) = await SetAsync(host, Set(name) with { Path = path, Output = "json", OutputSchema = """{"type":"object"}""", RequestsPerMinute = 5 });
        var api = found!.Api;
        Assert.Equal((1, "fallback-model", path, "production", 5), (api.CurrentVersion, api.CurrentModel, api.Path, api.Label, api.RequestsPerMinute));
        Assert.Equal("topic", JsonNode.Parse(api.InputSchema!)!["required"]![0]!.GetValue<string>());
        Assert.Contains(host.Harness.Published.Select<PromptApisChanged>(), m => m.Context.Message.Name == name);

        // The label moves: the API runs version 2, with its own schema; without a model of its own it takes the version's.
        var (_, notMoved) = await host.StoreAsync(s => s.MoveLabelAsync(name, "production", 2, 1, "ops", default));
        Assert.Null(notMoved);
        await SetAsync(host, Set(name) with { Model = null, Path = path });
        var (listed, _) = await host.AdminAsync<ListPromptApis, PromptApisListed>(new ListPromptApis(Guid.NewGuid()));
        var now = Assert.Single(listed!.Apis, a => a.Name == name);
        Assert.Equal((2, "gpt-4o-mini", """{"type":"object","required":["topic"]}"""), (now.CurrentVersion, now.CurrentModel, now.InputSchema));

        // Withdrawn: gone for readers, announced, and a second withdrawal is a 404.
        var (deleted, _) = await host.AdminAsync<DeletePromptApi, PromptApiFound>(new DeletePromptApi(Guid.NewGuid(), name, "ops"));
        Assert.Equal(name, deleted!.Api.Name);
        var (_, gone) = await host.AdminAsync<GetPromptApi, PromptApiFound>(new GetPromptApi(Guid.NewGuid(), name));
        Assert.Equal((404, "prompt_api_not_found"), (gone!.Status, gone.Code));
    }

    [Fact]
    public async Task A_bad_setting_is_one_400_naming_every_fault_and_a_taken_path_is_409()
    {
        await using var host = await StartAsync();
        var name = await PromptAsync(host, Draft);
        var other = await PromptAsync(host, Draft);

        var (_, invalid) = await SetAsync(host, Set(name) with
        {
            Output = "xml",
            OutputSchema = "{}",
            Path = "/v1/chat/completions",
            Label = "production",
            Version = 1,
            RequestsPerMinute = 0,
        });
        Assert.Equal(400, invalid!.Status);
        foreach (var fault in new[] { "output must be", "outputSchema applies", "is not an API path", "not both", "requestsPerMinute" })
        {
            Assert.Contains(fault, invalid.Message, StringComparison.Ordinal);
        }

        var (_, badSchema) = await SetAsync(host, Set(name) with { Output = "json", OutputSchema = """{"$ref":"http://example.com/s.json"}""" });
        Assert.Contains("output schema refers outside itself", badSchema!.Message, StringComparison.Ordinal);

        var (_, noLabel) = await SetAsync(host, Set(name) with { Label = "staging" });
        Assert.Equal((404, "label_not_found"), (noLabel!.Status, noLabel.Code));

        var path = $"/apis/{name}";
        var (first, _) = await SetAsync(host, Set(name) with { Path = path });
        Assert.NotNull(first);
        var (_, taken) = await SetAsync(host, Set(other) with { Path = path });
        Assert.Equal((409, "path_taken"), (taken!.Status, taken.Code));
    }

    [Fact]
    public async Task A_page_of_APIs_is_one_organizations_by_prompt_name_with_how_many_there_are()
    {
        await using var host = await StartAsync();
        var organization = Guid.NewGuid().ToString();
        var names = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var name = await PromptAsync(host, Draft, organization);
            await SetAsync(host, Set(name) with { RequestsPerMinute = 10 + i });
            names.Add(name);
        }

        var unpublished = await PromptAsync(host, Draft, organization);
        var elsewhere = await PromptAsync(host, Draft, Guid.NewGuid().ToString());
        await SetAsync(host, Set(elsewhere));
        names.Sort(StringComparer.Ordinal);

        var (first, _) = await host.AdminAsync<ListPromptApiPage, PromptApiPageListed>(new ListPromptApiPage(Guid.NewGuid(), organization, 0, 2));
        var (rest, _) = await host.AdminAsync<ListPromptApiPage, PromptApiPageListed>(new ListPromptApiPage(Guid.NewGuid(), organization, 2, 2));
        var (all, _) = await host.AdminAsync<ListPromptApiPage, PromptApiPageListed>(new ListPromptApiPage(Guid.NewGuid(), null, 0, 200));

        Assert.Equal((3, 3), (first!.Total, rest!.Total));
        Assert.Equal(names, first.Apis.Concat(rest.Apis).Select(a => a.Name));
        Assert.Equal((1, "fallback-model", "production"), (first.Apis[0].CurrentVersion, first.Apis[0].CurrentModel, first.Apis[0].Label));
        Assert.Contains(all!.Apis, a => a.Name == elsewhere);
        Assert.DoesNotContain(all.Apis, a => a.Name == unpublished);
    }

    private static SetPromptApi Set(string name) =>
        new(Guid.NewGuid(), name, null, null, null, "fallback-model", "text", null, null, true, "ops");

    private static Task<(PromptApiFound? Answer, PromptRequestFailed? Failed)> SetAsync(PromptsHost host, SetPromptApi set) =>
        host.AdminAsync<SetPromptApi, PromptApiFound>(set);

    /// <summary>A new prompt with these versions, its <c>production</c> label on version 1.</summary>
    private static Task<string> PromptAsync(PromptsHost host, params VersionDraft[] versions) => PromptAsync(host, versions[0], null, versions[1..]);

    /// <summary>A new prompt of <paramref name="organization"/> with these versions, its <c>production</c> label on version 1.</summary>
    private static async Task<string> PromptAsync(PromptsHost host, VersionDraft first, string? organization, params VersionDraft[] more)
    {
        var versions = more.Prepend(first);
        var name = $"api-{Guid.NewGuid():N}";
        var (created, failure) = await host.StoreAsync(s => s.CreateAsync(name, organization, default));
        Assert.True(created is not null, failure?.Message);
        foreach (var version in versions)
        {
            var (published, refused) = await host.StoreAsync(s => s.PublishAsync(name, version, default));
            Assert.True(published is not null, refused?.Message);
        }

        var (label, notMoved) = await host.StoreAsync(s => s.MoveLabelAsync(name, "production", 1, 0, "ops", default));
        Assert.True(label is not null, notMoved?.Message);
        return name;
    }

    private Task<PromptsHost> StartAsync() => PromptsHost.StartLoadedAsync(new Dictionary<string, string?>
    {
        ["Prompts:Database:Provider"] = database.Provider,
        ["Prompts:Database:ConnectionString"] = database.ConnectionString,
    });
}

/// <summary>The prompt API specs on the embedded default: a SQLite file.</summary>
public sealed class SqlitePromptApiSpecs(SqliteTestDatabase database) : PromptApiSpecs(database), IClassFixture<SqliteTestDatabase>;

/// <summary>The prompt API specs on PostgreSQL (<c>AIMESH_TEST_POSTGRES</c>), in a database of their own.</summary>
public sealed class PostgresPromptApiSpecs(PostgresTestDatabase database) : PromptApiSpecs(database), IClassFixture<PostgresTestDatabase>;
