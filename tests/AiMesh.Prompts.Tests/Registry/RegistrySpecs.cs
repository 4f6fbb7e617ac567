using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using AiMesh.Prompts.Registry;
using AiMesh.Prompts.Store;
using AiMesh.Prompts.Tests.Support;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AiMesh.Prompts.Tests.Registry;

/// <summary>
/// The prompt registry on a real database, run once per provider: immutable numbered versions, labels that move by
/// one conditional update (of two moves from the same version exactly one wins), rollback through the label's
/// history, and requests rendered from this replica's catalog by version, label, <c>production</c> or latest. Each
/// spec uses prompt names of its own, so the specs share the database without seeing each other.
/// </summary>
public abstract class RegistrySpecs(ITestDatabase database)
{
    private static readonly VersionDraft Draft = new(
        [new PromptMessage("system", "Answer questions about {{ topic }}.")], ["topic"], null, null, null, "ada", "first");

    [Fact]
    public async Task Versions_are_numbered_from_one_read_back_as_published_and_never_rewritten()
    {
        await using var host = await StartAsync();
        var name = Name();
        await CreateAsync(host, name);

        var one = await PublishAsync(host, name, Draft);
        var two = await PublishAsync(host, name, Draft with
        {
            Messages = [new PromptMessage("system", "Be brief about {{ topic }}."), new PromptMessage("developer", "{% if tone %}Tone: {{ tone }}{% endif %}")],
            Variables = ["topic", "tone"],
            VariablesSchema = """{"type":"object"}""",
            Model = "gpt-4o-mini",
            Parameters = """{"temperature":0.2}""",
            Author = "grace",
            Message = "shorter",
        });

        Assert.Equal((1, 2), (one.Number, two.Number));
        var stored = await host.StoreAsync(s => s.FindAsync(name, default));
        Assert.Equal([1, 2], stored!.Versions.Select(v => v.Number));
        var read = stored.Version(2)!;
        Assert.Equal(
            ("Be brief about {{ topic }}.", "developer", "tone", """{"type":"object"}""", "gpt-4o-mini", """{"temperature":0.2}""", "grace", "shorter"),
            (read.Messages[0].Content, read.Messages[1].Role, read.Variables[1], read.VariablesSchema, read.Model, read.Parameters, read.Author, read.Message));

        // Immutable: the context refuses to save a changed version, whoever asks.
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PromptsDbContext>();
        var row = await db.Versions.SingleAsync(v => v.PromptId == stored.Id && v.Number == 1);
        row.Messages = "[]";
        await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync());
    }

    [Fact]
    public async Task Concurrent_publishes_each_get_their_own_number()
    {
        await using var host = await StartAsync();
        var name = Name();
        await CreateAsync(host, name);

        var numbers = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => PublishAsync(host, name, Draft with { Message = $"m{i}" })));

        Assert.Equal([1, 2, 3, 4, 5, 6], numbers.Select(v => v.Number).Order());
    }

    [Fact]
    public async Task A_taken_name_is_409_and_a_version_that_would_fail_is_400_naming_the_fault_and_never_stored()
    {
        await using var host = await StartAsync();
        var name = Name();
        await CreateAsync(host, name);

        var (_, taken) = await host.StoreAsync(s => s.CreateAsync(name, null, default));
        var (_, undeclared) = await host.StoreAsync(s => s.PublishAsync(name, Draft with { Messages = [new PromptMessage("system", "Hi {{ who }}")] }, default));
        var (_, syntax) = await host.StoreAsync(s => s.PublishAsync(name, Draft with { Messages = [new PromptMessage("robot", "{% if %}")] }, default));
        var (_, missing) = await host.StoreAsync(s => s.PublishAsync(Name(), Draft, default));

        Assert.Equal((409, "prompt_exists"), (taken!.Status, taken.Code));
        Assert.Equal((400, "invalid_prompt"), (undeclared!.Status, undeclared.Code));
        Assert.Contains("'who'", undeclared.Message, StringComparison.Ordinal);
        Assert.Contains("role 'robot'", syntax!.Message, StringComparison.Ordinal);
        Assert.Equal((404, "prompt_not_found"), (missing!.Status, missing.Code));
        Assert.Empty((await host.StoreAsync(s => s.FindAsync(name, default)))!.Versions);
    }

    [Fact]
    public async Task Of_two_moves_from_the_same_version_exactly_one_wins_and_the_other_is_409()
    {
        await using var host = await StartAsync();
        var name = Name();
        await CreateAsync(host, name);
        foreach (var i in Enumerable.Range(0, 3))
        {
            await PublishAsync(host, name, Draft);
        }

        await MoveAsync(host, name, "production", 1, expected: 0);

        for (var round = 0; round < 5; round++)
        {
            // Both move from the current version to one of the two others.
            var current = (await host.StoreAsync(s => s.FindAsync(name, default)))!.Labels["production"].Version;
            var targets = new[] { 1, 2, 3 }.Where(v => v != current).ToArray();
            var outcomes = await Task.WhenAll(
                host.StoreAsync(s => s.MoveLabelAsync(name, "production", targets[0], current, "a", default)),
                host.StoreAsync(s => s.MoveLabelAsync(name, "production", targets[1], current, "b", default)));

            Assert.Single(outcomes, o => o.Label is not null);
            var lost = Assert.Single(outcomes, o => o.Failure is not null).Failure!;
            Assert.Equal((409, "label_moved"), (lost.Status, lost.Code));
            var won = outcomes.Single(o => o.Label is not null).Label!.Version;
            Assert.Equal(won, (await host.StoreAsync(s => s.FindAsync(name, default)))!.Labels["production"].Version);
        }

        // Creating a label that exists, expecting it not to: 409 too.
        var (_, exists) = await host.StoreAsync(s => s.MoveLabelAsync(name, "production", 1, 0, "c", default));
        Assert.Equal(409, exists!.Status);
    }

    [Fact]
    public async Task Rollback_walks_the_label_back_through_its_history()
    {
        await using var host = await StartAsync();
        var name = Name();
        await CreateAsync(host, name);
        foreach (var i in Enumerable.Range(0, 3))
        {
            await PublishAsync(host, name, Draft);
        }

        await MoveAsync(host, name, "production", 1, expected: null);
        await MoveAsync(host, name, "production", 2, expected: null);
        await MoveAsync(host, name, "production", 3, expected: 2);

        var (back, _) = await host.StoreAsync(s => s.RollbackAsync(name, "production", "ops", default));
        var (further, _) = await host.StoreAsync(s => s.RollbackAsync(name, "production", "ops", default));
        var (_, none) = await host.StoreAsync(s => s.RollbackAsync(name, "production", "ops", default));
        var (_, unknown) = await host.StoreAsync(s => s.RollbackAsync(name, "staging", "ops", default));
        var (_, noVersion) = await host.StoreAsync(s => s.MoveLabelAsync(name, "staging", 9, null, "ops", default));

        Assert.Equal((2, 1), (back!.Version, further!.Version));
        Assert.Equal((409, "no_earlier_version"), (none!.Status, none.Code));
        Assert.Equal((404, "label_not_found"), (unknown!.Status, unknown.Code));
        Assert.Equal((404, "prompt_version_not_found"), (noVersion!.Status, noVersion.Code));
        Assert.Equal(1, (await host.StoreAsync(s => s.FindAsync(name, default)))!.Labels["production"].Version);
    }

    [Fact]
    public async Task Requests_render_by_version_label_production_or_latest_and_a_stored_name_wins_over_a_configured_one()
    {
        await using var host = await StartAsync(new()
        {
            ["Prompts:Templates:shadowed:Messages:0:Role"] = "system",
            ["Prompts:Templates:shadowed:Messages:0:Content"] = "configured",
        });
        var name = "shadowed";
        await CreateAsync(host, name);
        await PublishAsync(host, name, Draft with { Messages = [new PromptMessage("system", "v1 {{ topic }}")] });
        await PublishAsync(host, name, Draft with { Messages = [new PromptMessage("system", "v2 {{ topic }}")], Model = "preferred", Parameters = """{"temperature":0.5,"model":"ignored"}""" });
        await ChangedAsync(host, name);

        // No production label: the latest.
        Assert.Equal(("2", "v2 tea", "preferred", 0.5), await RenderedAsync(host, Body("""{"prompt":{"id":"NAME","variables":{"topic":"tea"}}}""", name)));

        await MoveAsync(host, name, "production", 1, expected: null);
        await MoveAsync(host, name, "staging", 2, expected: null);
        await ChangedAsync(host, name);

        Assert.Equal("1", (await RenderedAsync(host, Body("""{"model":"m","prompt":{"id":"NAME","variables":{"topic":"tea"}}}""", name))).Version);
        Assert.Equal(("2", "v2 tea", "m", 0.5), await RenderedAsync(host, Body("""{"model":"m","prompt":{"id":"NAME","label":"staging","variables":{"topic":"tea"}}}""", name)));
        Assert.Equal("2", (await RenderedAsync(host, Body("""{"model":"m","temperature":1,"prompt":{"id":"NAME","version":2,"variables":{"topic":"tea"}}}""", name))).Version);

        var (_, noLabel) = await host.RenderAsync(Body("""{"model":"m","prompt":{"id":"NAME","label":"canary","variables":{"topic":"tea"}}}""", name));
        var (_, both) = await host.RenderAsync(Body("""{"model":"m","prompt":{"id":"NAME","label":"staging","version":1,"variables":{"topic":"tea"}}}""", name));
        Assert.Equal((404, "prompt_label_not_found", "prompt.label"), (noLabel!.Status, noLabel.Code, noLabel.Param));
        Assert.Equal((400, "invalid_prompt"), (both!.Status, both.Code));
    }

    [Fact]
    public async Task A_versions_variable_schema_is_checked_before_rendering_and_a_violation_names_the_variable()
    {
        await using var host = await StartAsync();
        var name = Name();
        await CreateAsync(host, name);
        const string Schema = """
            {"type":"object","properties":{"topic":{"type":"string","maxLength":20},"depth":{"$ref":"#/$defs/level"}},
             "required":["topic"],"additionalProperties":false,"$defs":{"level":{"type":"integer","minimum":1,"maximum":3}}}
            """;
        var (_, external) = await host.StoreAsync(s => s.PublishAsync(name, Draft with { VariablesSchema = """{"$ref":"http://example.com/s.json"}""" }, default));
        Assert.Equal((400, "invalid_prompt"), (external!.Status, external.Code));
        Assert.Contains("refers outside itself", external.Message, StringComparison.Ordinal);

        await PublishAsync(host, name, Draft with { VariablesSchema = Schema });
        await ChangedAsync(host, name);

        Assert.Equal("Answer questions about tea.", (await RenderedAsync(host, Body("""{"model":"m","prompt":{"id":"NAME","variables":{"topic":"tea","depth":2}}}""", name))).Content);
        foreach (var (variables, param) in new[]
        {
            ("""{"topic":7}""", "prompt.variables.topic"),
            ("""{"topic":"tea","depth":9}""", "prompt.variables.depth"),
            ("""{"topic":"tea","colour":"red"}""", "prompt.variables.colour"),
            ("""{"topic":"a topic far longer than twenty characters"}""", "prompt.variables.topic"),
        })
        {
            var (_, failed) = await host.RenderAsync(Body($$$"""{"model":"m","prompt":{"id":"NAME","variables":{{{variables}}}}}""", name));
            Assert.Equal((400, "invalid_prompt_variables", param), (failed!.Status, failed.Code, failed.Param));
            Assert.DoesNotContain("NJsonSchema", failed.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Readers_never_see_a_label_missing_or_half_moved_while_it_moves()
    {
        await using var host = await StartAsync();
        var name = Name();
        await CreateAsync(host, name);
        await PublishAsync(host, name, Draft with { Messages = [new PromptMessage("system", "one {{ topic }}")] });
        await PublishAsync(host, name, Draft with { Messages = [new PromptMessage("system", "two {{ topic }}")] });
        await MoveAsync(host, name, "production", 1, expected: null);
        await ChangedAsync(host, name);

        using var stop = new CancellationTokenSource();
        var seen = new ConcurrentBag<(string Version, string Content)>();
        var failures = new ConcurrentBag<string>();
        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var (rendered, failed) = await host.RenderAsync(Body("""{"model":"m","prompt":{"id":"NAME","label":"production","variables":{"topic":"t"}}}""", name));
                if (failed is not null)
                {
                    failures.Add(failed.Code);
                    continue;
                }

                seen.Add((rendered!.PromptVersion, JsonNode.Parse(rendered.Body)!["messages"]![0]!["content"]!.GetValue<string>()));
                var stored = await host.StoreAsync(s => s.FindAsync(name, default));
                if (!stored!.Labels.TryGetValue("production", out var label) || stored.Version(label.Version) is null)
                {
                    failures.Add("store");
                }
            }
        })).ToList();

        for (var i = 0; i < 20; i++)
        {
            await MoveAsync(host, name, "production", i % 2 == 0 ? 2 : 1, expected: null);
            await ChangedAsync(host, name);
        }

        await stop.CancelAsync();
        await Task.WhenAll(readers);

        Assert.Empty(failures);
        Assert.NotEmpty(seen);
        Assert.All(seen, s => Assert.Contains(s, new[] { ("1", "one t"), ("2", "two t") }));
        Assert.Contains(seen, s => s.Version == "2");
    }

    [Fact]
    public async Task A_split_is_stored_replaced_and_ended_every_fault_of_its_shares_answered_at_once()
    {
        await using var host = await StartAsync();
        var name = Name();
        await CreateAsync(host, name);
        await PublishAsync(host, name, Draft);
        await PublishAsync(host, name, Draft);
        await MoveAsync(host, name, "production", 1, expected: 0);

        var (_, bad) = await host.StoreAsync(s => s.SetSplitAsync(name, "production", [new(1, 60), new(1, 30), new(2, 0)], "ops", default));
        Assert.Equal((400, "invalid_prompt"), (bad!.Status, bad.Code));
        Assert.Contains("percent must be 1 to 100", bad.Message, StringComparison.Ordinal);
        Assert.Contains("named twice", bad.Message, StringComparison.Ordinal);
        Assert.Contains("sum to 100, not 90", bad.Message, StringComparison.Ordinal);
        var (_, noLabel) = await host.StoreAsync(s => s.SetSplitAsync(name, "staging", [new(1, 100)], "ops", default));
        Assert.Equal((404, "label_not_found"), (noLabel!.Status, noLabel.Code));
        var (_, noVersion) = await host.StoreAsync(s => s.SetSplitAsync(name, "production", [new(1, 50), new(7, 50)], "ops", default));
        Assert.Equal((404, "prompt_version_not_found"), (noVersion!.Status, noVersion.Code));

        var (first, _) = await host.StoreAsync(s => s.SetSplitAsync(name, "production", [new(1, 90), new(2, 10)], "ops", default));
        await host.StoreAsync(s => s.SetSplitAsync(name, "production", [new(2, 100)], "grace", default));
        Assert.NotNull(first);
        var stored = (await host.StoreAsync(s => s.FindAsync(name, default)))!;
        Assert.Equal([new SplitShare(2, 100)], stored.Splits["production"].Shares);
        Assert.Equal("grace", stored.Splits["production"].ChangedBy);
        Assert.Equal(1, stored.Labels["production"].Version);

        // Served from the catalog once the change is read: every user on 2 by the split, version 1 when named outright.
        await ChangedAsync(host, name);
        Assert.Equal("2", (await host.RenderAsync(Body("""{"model":"m","prompt":{"id":"NAME","variables":{"topic":"t"}}}""", name), "end-user:a")).Rendered!.PromptVersion);
        Assert.Equal("1", (await host.RenderAsync(Body("""{"model":"m","prompt":{"id":"NAME","version":1,"variables":{"topic":"t"}}}""", name), "end-user:a")).Rendered!.PromptVersion);

        Assert.Null(await host.StoreAsync(s => s.EndSplitAsync(name, "production", "ops", default)));
        var again = await host.StoreAsync(s => s.EndSplitAsync(name, "production", "ops", default));
        Assert.Equal((404, "split_not_found"), (again!.Status, again.Code));
        Assert.Empty((await host.StoreAsync(s => s.FindAsync(name, default)))!.Splits);
        await ChangedAsync(host, name);
        Assert.Equal("1", (await host.RenderAsync(Body("""{"model":"m","prompt":{"id":"NAME","variables":{"topic":"t"}}}""", name), "end-user:a")).Rendered!.PromptVersion);
    }

    private Task<PromptsHost> StartAsync(Dictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>(settings ?? [])
        {
            ["Prompts:Database:Provider"] = database.Provider,
            ["Prompts:Database:ConnectionString"] = database.ConnectionString,
        };
        return PromptsHost.StartLoadedAsync(all);
    }

    private static string Body(string json, string name) => json.Replace("NAME", name, StringComparison.Ordinal);

    private static string Name() => $"p-{Guid.NewGuid():N}";

    private static async Task CreateAsync(PromptsHost host, string name)
    {
        var (created, failure) = await host.StoreAsync(s => s.CreateAsync(name, null, default));
        Assert.True(created is not null, failure?.Message);
    }

    private static async Task<StoredVersion> PublishAsync(PromptsHost host, string name, VersionDraft draft)
    {
        var (version, failure) = await host.StoreAsync(s => s.PublishAsync(name, draft, default));
        Assert.True(version is not null, failure?.Message);
        return version!;
    }

    private static async Task MoveAsync(PromptsHost host, string name, string label, int version, int? expected)
    {
        var (moved, failure) = await host.StoreAsync(s => s.MoveLabelAsync(name, label, version, expected, "ops", default));
        Assert.True(moved is not null, failure?.Message);
    }

    /// <summary>Publishes the change as the admin side does, and waits until this replica has read it again.</summary>
    private static async Task ChangedAsync(PromptsHost host, string name)
    {
        var id = NewId.NextGuid();
        await host.Harness.Bus.Publish(new PromptChanged(name), c => c.MessageId = id);
        Assert.True(await host.Harness.Consumed.Any<PromptChanged>(m => m.Context.MessageId == id));
    }

    private static async Task<(string Version, string Content, string? Model, double? Temperature)> RenderedAsync(PromptsHost host, string body)
    {
        var (rendered, failed) = await host.RenderAsync(body);
        Assert.True(rendered is not null, failed?.Message);
        var json = JsonNode.Parse(rendered!.Body)!;
        return (rendered.PromptVersion, json["messages"]![0]!["content"]!.GetValue<string>(), json["model"]?.GetValue<string>(), json["temperature"]?.GetValue<double>());
    }
}
