using System.Text.Json.Nodes;
using AiMesh.Cli;
using AiMesh.Contracts.Metering;
using AiMesh.Policy.Tests.Support;

namespace AiMesh.Policy.Tests.AdminCli;

/// <summary>The admin CLI (tools/AiMesh.Cli) against a real policy host: what an operator types, what comes back, the exit codes.</summary>
public sealed class CliTests
{
    [Fact]
    public async Task An_operator_manages_users_teams_and_keys_from_the_command_line()
    {
        await using var host = await AdminHost.StartAsync();

        var user = await OkAsync(host, "users", "create", "--email", "cli@example.com", "--role", "member");
        var team = await OkAsync(host, "teams", "create", "--name", "cli-team");
        await OkAsync(host, "teams", "add-member", team.Text("id"), user.Text("id"));
        var members = await OkAsync(host, "teams", "members", team.Text("id"));
        var created = await OkAsync(host, "keys", "create", "--user", user.Text("id"), "--model", "gpt-4o", "--model", "gpt-4o-mini", "--tag", "env=dev");
        var keyId = created["key"]!.Text("id");
        var listed = await OkAsync(host, "keys", "list", "--user", user.Text("id"), "--tag", "env=dev");
        var rotated = await OkAsync(host, "keys", "rotate", keyId, "--grace-seconds", "60");
        var revoked = await OkAsync(host, "keys", "revoke", keyId);
        var viewer = await OkAsync(host, "users", "set-role", user.Text("id"), "viewer");
        var users = await OkAsync(host, "users", "list", "--role", "viewer");

        Assert.Equal(user.Text("id"), members["items"]![0]!.Text("userId"));
        Assert.StartsWith("sk-aimesh-", created.Text("secret"), StringComparison.Ordinal);
        Assert.Equal(["gpt-4o", "gpt-4o-mini"], created["key"]!["models"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Equal([keyId], listed["items"]!.AsArray().Select(k => k!.Text("id")));
        Assert.Equal(keyId, rotated["key"]!.Text("rotatedFrom"));
        Assert.Equal("revoked", revoked.Text("status"));
        Assert.Equal("viewer", viewer.Text("role"));
        Assert.Contains(users["items"]!.AsArray(), u => u!.Text("email") == "cli@example.com");
    }

    [Fact]
    public async Task An_operator_limits_a_key_and_a_team_to_regions_and_tags_a_team_from_the_command_line()
    {
        await using var host = await AdminHost.StartAsync();
        var user = await OkAsync(host, "users", "create", "--email", "cli-regions@example.com", "--role", "member");
        var team = (await OkAsync(host, "teams", "create", "--name", "cli-regions")).Text("id");

        var created = await OkAsync(host, "keys", "create", "--user", user.Text("id"), "--model", "gpt-4o", "--regions", "eu,US", "--regions", "ap");
        var keyId = created["key"]!.Text("id");
        var narrowed = await OkAsync(host, "keys", "set-regions", keyId, "--regions", "eu");
        var lifted = await OkAsync(host, "keys", "set-regions", keyId, "--regions", "");
        var updated = await OkAsync(host, "teams", "update", team, "--tag", "dept=research", "--regions", "eu");

        Assert.Equal(["ap", "eu", "us"], created["key"]!["regions"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal(["eu"], narrowed["regions"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Empty(lifted["regions"]!.AsArray());
        Assert.Equal("research", updated["tags"]!.Text("dept"));
        Assert.Equal(["eu"], updated["regions"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.False(updated["logBodies"]!.GetValue<bool>());
    }

    [Fact]
    public async Task An_operator_sets_and_clears_a_teams_limits_and_budget_from_the_command_line()
    {
        await using var host = await AdminHost.StartAsync();
        var team = (await OkAsync(host, "teams", "create", "--name", "cli-limits")).Text("id");

        var limits = await OkAsync(host, "limits", "set", "teams", team, "--rpm", "600", "--concurrent", "20");
        var budget = await OkAsync(host, "budgets", "set", "teams", team, "month", "--amount", "250.5", "--threshold", "50", "--threshold", "80", "--hard", "false");
        var budgets = await RunAsync(host, AdminHost.BootstrapKey, "budgets", "list", "teams", team);
        var notANumber = await RunAsync(host, AdminHost.BootstrapKey, "limits", "set", "teams", team, "--rpm", "lots");
        var cleared = await RunAsync(host, AdminHost.BootstrapKey, "limits", "clear", "teams", team);
        var after = await OkAsync(host, "limits", "get", "teams", team);

        Assert.Equal((600, 20), (limits["requestsPerMinute"]!.GetValue<int>(), limits["concurrent"]!.GetValue<int>()));
        Assert.Equal((250.5m, false), (budget["amount"]!.GetValue<decimal>(), budget["hard"]!.GetValue<bool>()));
        Assert.Equal([50, 80], budget["softThresholds"]!.AsArray().Select(t => t!.GetValue<int>()));
        Assert.Equal("month", JsonNode.Parse(budgets.Output)!.AsArray().Single()!.Text("period"));
        Assert.Equal(1, notANumber.Exit);
        Assert.Contains("  requestsPerMinute:", notANumber.Errors, StringComparison.Ordinal);
        Assert.Equal(0, cleared.Exit);
        Assert.Null(after["requestsPerMinute"]);
    }

    [Fact]
    public async Task Refusals_print_the_problem_and_exit_1_and_mistakes_exit_2_without_calling()
    {
        await using var host = await AdminHost.StartAsync();

        var invalid = await RunAsync(host, AdminHost.BootstrapKey, "users", "create", "--email", "", "--role", "root");
        var missing = await RunAsync(host, AdminHost.BootstrapKey, "keys", "revoke", Guid.NewGuid().ToString());
        var wrongKey = await RunAsync(host, "sk-aimesh-not-a-key-000000000000000000000000", "keys", "list");
        var unknown = await RunAsync(host, AdminHost.BootstrapKey, "keys", "destroy");
        var badOption = await RunAsync(host, AdminHost.BootstrapKey, "keys", "list", "--colour", "red");
        var noKey = await RunAsync(host, null, "keys", "list");
        var unreachable = await CliRunner.RunAsync(
            ["keys", "list"], v => v switch { CliRunner.UrlVariable => "http://127.0.0.1:9", CliRunner.KeyVariable => AdminHost.BootstrapKey, _ => null },
            TextWriter.Null, new StringWriter(), CancellationToken.None);

        Assert.Equal(1, invalid.Exit);
        Assert.Contains("400", invalid.Errors, StringComparison.Ordinal);
        Assert.Contains("  email:", invalid.Errors, StringComparison.Ordinal);
        Assert.Contains("  role:", invalid.Errors, StringComparison.Ordinal);
        Assert.Equal((1, true), (missing.Exit, missing.Errors.Contains("404 Not Found", StringComparison.Ordinal)));
        Assert.Equal((1, true), (wrongKey.Exit, wrongKey.Errors.Contains("401", StringComparison.Ordinal)));
        Assert.Equal((2, 2, 2), (unknown.Exit, badOption.Exit, noKey.Exit));
        Assert.Equal(3, unreachable);
        Assert.All(new[] { invalid, missing, wrongKey }, r => Assert.DoesNotContain(AdminHost.BootstrapKey, r.Output + r.Errors, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_operator_manages_provider_credentials_with_the_value_on_stdin_or_in_a_file_never_in_the_arguments()
    {
        await using var host = await AdminHost.StartAsync();
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, "sk-from-a-file-0123456789-ABCD\n");

            var created = await SecretAsync(host, "sk-from-stdin-0123456789-WXYZ\n", "credentials", "create", "--name", "openai-cli", "--provider", "openai");
            var id = created.Output.Length > 0 ? JsonNode.Parse(created.Output)!["id"]!.GetValue<string>() : "";
            var replaced = await SecretAsync(host, "", "credentials", "set", id, "--value-file", file);
            var listed = await OkAsync(host, "credentials", "list");
            var got = await OkAsync(host, "credentials", "get", id);
            var empty = await SecretAsync(host, "", "credentials", "create", "--name", "nothing");
            var onTheCommandLine = await RunAsync(host, AdminHost.BootstrapKey, "credentials", "create", "--name", "x", "--value", "sk-typed-0123456789");
            var deleted = await RunAsync(host, AdminHost.BootstrapKey, "credentials", "delete", id);

            Assert.True(created.Exit == 0, created.Errors);
            Assert.Equal(("WXYZ", 1), (JsonNode.Parse(created.Output)!["hint"]!.GetValue<string>(), JsonNode.Parse(created.Output)!["version"]!.GetValue<int>()));
            Assert.Equal(0, replaced.Exit);
            Assert.Equal(("ABCD", 2), (got.Text("hint"), got["version"]!.GetValue<int>()));
            Assert.Single(listed["items"]!.AsArray());
            Assert.Equal(2, empty.Exit);
            Assert.Contains("standard input", empty.Errors, StringComparison.Ordinal);
            Assert.Equal(2, onTheCommandLine.Exit);
            Assert.Equal(0, deleted.Exit);
            Assert.All(new[] { created, replaced }, r => Assert.DoesNotContain("sk-from", r.Output + r.Errors, StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task<(int Exit, string Output, string Errors)> SecretAsync(AdminHost host, string stdin, params string[] args)
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        using var input = new StringReader(stdin);
        var exit = await CliRunner.RunAsync(
            args,
            v => v switch { CliRunner.UrlVariable => host.Address.ToString(), CliRunner.KeyVariable => AdminHost.BootstrapKey, _ => null },
            output,
            errors,
            CancellationToken.None,
            input);
        return (exit, output.ToString(), errors.ToString());
    }

    [Fact]
    public async Task An_operator_reads_the_deployments_state_and_below_admin_is_refused()
    {
        await using var host = await AdminHost.StartAsync(null, new RouterHealthStub());

        var listed = await OkAsync(host, "deployments", "list");
        using var root = host.Client();
        var org = (await root.PostOkAsync("/admin/organizations", new { name = "cli-deployments" })).Id();
        var (userId, secret, _) = await root.UserWithKeyAsync(org, "org_admin");
        var refused = await RunAsync(host, secret, "deployments", "list");

        Assert.Equal(RouterHealthStub.Deployment.Name, listed["deployments"]![0]!["name"]!.GetValue<string>());
        Assert.NotEqual(Guid.Empty, userId);
        Assert.NotEqual(0, refused.Exit);
        Assert.Contains("403", refused.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_operator_compares_shadow_traffic_and_lists_one_comparisons_results_from_the_command_line()
    {
        var metering = new MeteringStub();
        await using var host = await AdminHost.StartAsync(null, metering);

        var compared = await OkAsync(host, "usage", "shadow", "--model", "gpt-4o", "--from", "2026-11-01", "--to", "2026-11-02T00:00:00Z");
        var asked = Assert.IsType<QueryShadowComparison>(metering.Asked.Last());
        var listed = await OkAsync(host, "usage", "shadow-results", "--model", "gpt-4o", "--primary", "gpt-4o", "--shadow", "cand-b", "--limit", "1");
        var listAsked = Assert.IsType<QueryShadowResults>(metering.Asked.Last());
        var invalid = await RunAsync(host, AdminHost.BootstrapKey, "usage", "shadow", "--limit", "0");

        Assert.Equal(["cand-a", "cand-b", "cand-c"], compared["items"]!.AsArray().Select(r => r!.Text("shadowModel")));
        Assert.Equal(("gpt-4o", new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 2, 0, 0, 0, TimeSpan.Zero)), (asked.Model, asked.From, asked.To));
        Assert.Equal(("cand-b", 1), (listAsked.ShadowModel, listAsked.Limit));
        Assert.Equal("cand-b", listed["items"]![0]!.Text("shadowModel"));
        Assert.NotNull(listed["nextCursor"]);
        Assert.NotEqual(0, invalid.Exit);
        Assert.Contains("limit", invalid.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_operator_creates_publishes_labels_diffs_renders_and_rolls_back_a_prompt_from_the_command_line()
    {
        await using var host = await AdminHost.StartAsync(null, new AiMesh.Prompts.PromptsModule());
        var template = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(template, "Answer about {{ topic }}.\nBe brief.");
            var created = await OkAsync(host, "prompts", "create", "cli-prompt");
            var one = await OkAsync(host, "prompts", "publish", "cli-prompt", "--msg", "system=Answer about {{ topic }}.", "--variable", "topic", "--model", "gpt-4o-mini", "--param", "temperature=0.2", "--message", "first");
            var two = await OkAsync(host, "prompts", "publish", "cli-prompt", "--msg", $"system=@{template}", "--msg", "developer=Stay polite.", "--variable", "topic", "--message", "brief");
            await OkAsync(host, "prompts", "label", "cli-prompt", "production", "1", "--expected", "0");
            var labelled = await OkAsync(host, "prompts", "label", "cli-prompt", "production", "2", "--expected", "1");
            var stale = await RunAsync(host, AdminHost.BootstrapKey, "prompts", "label", "cli-prompt", "production", "1", "--expected", "1");
            var rendered = await OkAsync(host, "prompts", "render", "cli-prompt", "--var", "topic=tea");
            var diff = await OkAsync(host, "prompts", "diff", "cli-prompt", "1", "2");
            var back = await OkAsync(host, "prompts", "rollback", "cli-prompt", "production");
            var shown = await OkAsync(host, "prompts", "show", "cli-prompt");
            var version = await OkAsync(host, "prompts", "show", "cli-prompt", "--version", "1");
            var listed = await OkAsync(host, "prompts", "list");

            Assert.Equal("cli-prompt", created.Text("name"));
            Assert.Equal((1, 2), (one["number"]!.GetValue<int>(), two["number"]!.GetValue<int>()));
            Assert.Equal(0.2, one["parameters"] is { } p ? JsonNode.Parse(p.GetValue<string>())!["temperature"]!.GetValue<double>() : 0);
            Assert.Equal(2, labelled["version"]!.GetValue<int>());
            Assert.Equal(1, stale.Exit);
            Assert.Contains("409", stale.Errors, StringComparison.Ordinal);
            Assert.Equal(("2", "Answer about tea.\nBe brief.", "Stay polite."), (rendered.Text("version"), rendered["messages"]![0]!.Text("content"), rendered["messages"]![1]!.Text("content")));
            Assert.Contains("+Be brief.", diff.Text("diff"), StringComparison.Ordinal);
            Assert.Equal(1, back["version"]!.GetValue<int>());
            Assert.Equal(2, shown["versions"]!.AsArray().Count);
            Assert.Equal("first", version.Text("message"));
            Assert.Contains(listed["items"]!.AsArray(), i => i!.Text("name") == "cli-prompt");
        }
        finally
        {
            File.Delete(template);
        }
    }

    [Fact]
    public async Task An_operator_publishes_shows_and_withdraws_a_prompt_API_from_the_command_line()
    {
        await using var host = await AdminHost.StartAsync(null, new AiMesh.Prompts.PromptsModule());
        await OkAsync(host, "prompts", "create", "cli-api");
        await OkAsync(host, "prompts", "publish", "cli-api", "--msg", "user=Rate {{ text }}.", "--variable", "text", "--model", "gpt-4o-mini");
        await OkAsync(host, "prompts", "label", "cli-api", "production", "1");

        var set = await OkAsync(host, "prompts", "api", "set", "cli-api", "--path", "/apis/rate", "--output", "json", "--output-schema", """{"type":"object"}""", "--rpm", "5");
        var shown = await OkAsync(host, "prompts", "api", "show", "cli-api");
        var listed = await OkAsync(host, "prompts", "api", "list", "--limit", "10");
        var deleted = await RunAsync(host, AdminHost.BootstrapKey, "prompts", "api", "delete", "cli-api");
        var gone = await RunAsync(host, AdminHost.BootstrapKey, "prompts", "api", "show", "cli-api");

        Assert.Equal(("/apis/rate", "json", 5, 1), (set.Text("path"), set.Text("output"), set["requestsPerMinute"]!.GetValue<int>(), set["currentVersion"]!.GetValue<int>()));
        Assert.Equal(("production", "gpt-4o-mini", true), (shown.Text("label"), shown.Text("currentModel"), shown["enabled"]!.GetValue<bool>()));
        var item = Assert.Single(listed["items"]!.AsArray(), i => i!.Text("name") == "cli-api")!;
        Assert.Equal(("/apis/rate", 5), (item.Text("path"), item["requestsPerMinute"]!.GetValue<int>()));
        Assert.Equal(0, deleted.Exit);
        Assert.Equal(1, gone.Exit);
        Assert.Contains("404", gone.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_operator_splits_a_label_reads_the_stats_and_ends_the_split_from_the_command_line()
    {
        var metering = new MeteringStub();
        await using var host = await AdminHost.StartAsync(null, new AiMesh.Prompts.PromptsModule(), metering);
        await OkAsync(host, "prompts", "create", "cli-split");
        await OkAsync(host, "prompts", "publish", "cli-split", "--msg", "system=one");
        await OkAsync(host, "prompts", "publish", "cli-split", "--msg", "system=two");
        await OkAsync(host, "prompts", "label", "cli-split", "production", "1");

        var split = await OkAsync(host, "prompts", "split", "cli-split", "production", "--version", "1=90", "--version", "2=10");
        var badSum = await RunAsync(host, AdminHost.BootstrapKey, "prompts", "split", "cli-split", "production", "--version", "1=90");
        var stats = await OkAsync(host, "prompts", "stats", "cli-split", "--from", "2026-11-20T00:00:00Z", "--to", "2026-11-21T00:00:00Z");
        var ended = await RunAsync(host, AdminHost.BootstrapKey, "prompts", "end-split", "cli-split", "production");
        var shown = await OkAsync(host, "prompts", "show", "cli-split");

        Assert.Equal([(1, 90), (2, 10)], split["versions"]!.AsArray().Select(v => (v!["version"]!.GetValue<int>(), v["percent"]!.GetValue<int>())));
        Assert.Equal(1, badSum.Exit);
        Assert.Contains("sum to 100", badSum.Errors, StringComparison.Ordinal);
        Assert.Equal("1", stats["versions"]![0]!.Text("version"));
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero), metering.Asked.OfType<QueryPromptStats>().Single().From);
        Assert.Equal(0, ended.Exit);
        Assert.Null(shown["splits"]);
    }

    [Fact]
    public async Task An_operator_sets_shows_and_deletes_a_chain_from_the_command_line_and_a_bad_definition_is_refused_naming_its_step()
    {
        await using var host = await AdminHost.StartAsync(null, new AiMesh.Prompts.PromptsModule());
        await OkAsync(host, "prompts", "create", "cli-chain-prompt");
        await OkAsync(host, "prompts", "publish", "cli-chain-prompt", "--msg", "user=Summarize {{ text }}", "--variable", "text");
        var definition = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(definition, """
                {"model": "gpt-4o-mini", "steps": [
                  {"name": "summarize", "prompt": "cli-chain-prompt", "variables": {"text": "$input.text"}},
                  {"name": "again", "prompt": "cli-chain-prompt", "version": 1, "variables": {"text": "$steps.summarize.output"}}]}
                """);
            var set = await OkAsync(host, "chains", "set", "cli-chain", "--definition", $"@{definition}");
            var shown = await OkAsync(host, "chains", "show", "cli-chain");
            var bad = await RunAsync(host, AdminHost.BootstrapKey, "chains", "set", "cli-bad", "--definition",
                """{"model":"gpt-4o-mini","steps":[{"name":"a","prompt":"cli-chain-prompt","variables":{"text":"$steps.b.output"}}]}""");
            var deleted = await RunAsync(host, AdminHost.BootstrapKey, "chains", "delete", "cli-chain");
            var gone = await RunAsync(host, AdminHost.BootstrapKey, "chains", "show", "cli-chain");

            Assert.Equal(2, set["steps"]!.AsArray().Count);
            Assert.Equal(("summarize", "$steps.summarize.output"), (shown["steps"]![0]!.Text("name"), shown["steps"]![1]!["variables"]!.Text("text")));
            Assert.Equal(1, bad.Exit);
            Assert.Contains("steps[0] (a): variable 'text' refers to step 'b', which the chain does not have.", bad.Errors, StringComparison.Ordinal);
            Assert.Equal(0, deleted.Exit);
            Assert.Equal(1, gone.Exit);
            Assert.Contains("404", gone.Errors, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(definition);
        }
    }

    private static async Task<JsonObject> OkAsync(AdminHost host, params string[] args)
    {
        var (exit, output, errors) = await RunAsync(host, AdminHost.BootstrapKey, args);
        Assert.True(exit == 0, $"aimesh {string.Join(' ', args)} exited {exit}: {errors}");
        return JsonNode.Parse(output)!.AsObject();
    }

    private static async Task<(int Exit, string Output, string Errors)> RunAsync(AdminHost host, string? key, params string[] args)
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var exit = await CliRunner.RunAsync(
            args,
            v => v switch { CliRunner.UrlVariable => host.Address.ToString(), CliRunner.KeyVariable => key, _ => null },
            output,
            errors,
            CancellationToken.None);
        return (exit, output.ToString(), errors.ToString());
    }
}
