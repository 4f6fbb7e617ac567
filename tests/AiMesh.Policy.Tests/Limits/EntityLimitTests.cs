using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AiMesh.Contracts;
using AiMesh.Contracts.Policy;
using AiMesh.Contracts.Routing;
using AiMesh.Policy.Keys;
using AiMesh.Policy.Tests.Support;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace AiMesh.Policy.Tests.Limits;

/// <summary>
/// Rate limits and budgets set per key, user, team or organization through the admin API (services/policy/Admin/
/// LimitEndpoints.cs), applied by the decision path on the next request (Limits/EntityRules.cs). The deployed policy
/// host on a real socket; decisions asked on its bus, as the saga asks them. Concurrency limits are used where a count
/// matters: their slots are held until settled, so no window boundary can make a count flaky.
/// </summary>
public sealed class EntityLimitTests
{
    private const string Model = "priced-model";

    [Fact]
    public async Task A_key_limit_overrides_the_configured_rule_of_its_kind_for_that_key_only()
    {
        await using var host = await AdminHost.StartAsync(new()
        {
            ["Policy:Limits:Rules:0:Scope"] = "Key",
            ["Policy:Limits:Rules:0:Concurrent"] = "2",
        });
        using var admin = host.Client();
        var org = (await admin.PostOkAsync("/admin/organizations", new { name = "limits-override" })).Id();
        var (_, raisedSecret, raised) = await admin.UserWithKeyAsync(org, "member");
        var (_, plainSecret, _) = await admin.UserWithKeyAsync(org, "member");

        using var set = await admin.PutAsJsonAsync($"/admin/keys/{raised}/limits", new { concurrent = 4, requestsPerMinute = 1000 });
        var view = await AdminApi.OkAsync(set);
        Assert.Equal((4, 1000, null), (view["concurrent"]!.GetValue<int>(), view["requestsPerMinute"]!.GetValue<int>(), view["tokensPerMinute"]));

        var raisedAnswers = await AskAsync(host, raisedSecret, 6);
        var plainAnswers = await AskAsync(host, plainSecret, 4);

        Assert.Equal(4, raisedAnswers.Count(a => a.Authorized is not null));
        Assert.Equal(2, plainAnswers.Count(a => a.Authorized is not null));
        Assert.All(raisedAnswers.Concat(plainAnswers).Where(a => a.Denied is not null), a => Assert.Equal((429, "rate_limit_exceeded"), (a.Denied!.Status, a.Denied.Code)));
    }

    [Fact]
    public async Task A_limit_applies_at_once_and_clearing_it_lifts_it()
    {
        await using var host = await AdminHost.StartAsync();
        using var admin = host.Client();
        var org = (await admin.PostOkAsync("/admin/organizations", new { name = "limits-clear" })).Id();
        var (userId, secret, _) = await admin.UserWithKeyAsync(org, "member");

        // Set on the user: every key of the user counts together.
        using (var set = await admin.PutAsJsonAsync($"/admin/users/{userId}/limits", new { concurrent = 1 }))
        {
            await AdminApi.OkAsync(set);
        }

        var held = await AskAsync(host, secret, 2);
        Assert.Equal((1, "rate_limit_exceeded"), (held.Count(a => a.Authorized is not null), held.Single(a => a.Denied is not null).Denied!.Code));

        using (var cleared = await admin.DeleteAsync($"/admin/users/{userId}/limits"))
        {
            Assert.Equal(HttpStatusCode.NoContent, cleared.StatusCode);
        }

        Assert.All(await AskAsync(host, secret, 3), a => Assert.NotNull(a.Authorized));
        var none = await admin.GetOkAsync($"/admin/users/{userId}/limits");
        Assert.Null(none["concurrent"]);
        using var again = await admin.DeleteAsync($"/admin/users/{userId}/limits");
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Fact]
    public async Task A_team_budget_caps_the_teams_keys_reports_its_spend_and_leaves_other_teams_alone()
    {
        await using var host = await AdminHost.StartAsync(new()
        {
            // One currency unit per output token, nothing for input: a request reserves exactly its max_tokens.
            ["Policy:Budgets:Prices:" + Model + ":Input"] = "0",
            ["Policy:Budgets:Prices:" + Model + ":Output"] = "1000000",
        });
        using var admin = host.Client();
        var org = (await admin.PostOkAsync("/admin/organizations", new { name = "budget-team" })).Id();
        var team = (await admin.PostOkAsync("/admin/teams", new { organizationId = org, name = "capped" })).Id();
        var other = (await admin.PostOkAsync("/admin/teams", new { organizationId = org, name = "free" })).Id();
        var teamKey = (await admin.PostOkAsync("/admin/keys", new { owner = new { teamId = team }, models = new[] { "*" } })).Text("secret");
        var otherKey = (await admin.PostOkAsync("/admin/keys", new { owner = new { teamId = other }, models = new[] { "*" } })).Text("secret");

        using (var set = await admin.PutAsJsonAsync($"/admin/teams/{team}/budgets/Day", new { amount = 25m, softThresholds = new[] { 80, 50, 50 } }))
        {
            var budget = await AdminApi.OkAsync(set);
            Assert.Equal(("day", 25m, true, 0m), (budget.Text("period"), budget["amount"]!.GetValue<decimal>(), budget["hard"]!.GetValue<bool>(), budget["spent"]!.GetValue<decimal>()));
            Assert.Equal([50, 80], budget["softThresholds"]!.AsArray().Select(t => t!.GetValue<int>()));
        }

        var capped = await AskAsync(host, teamKey, 3, maxTokens: 10);
        Assert.Equal(2, capped.Count(a => a.Authorized is not null));
        var refused = capped.Single(a => a.Denied is not null).Denied!;
        Assert.Equal((429, "budget_exceeded"), (refused.Status, refused.Code));
        Assert.All(await AskAsync(host, otherKey, 3, maxTokens: 10), a => Assert.NotNull(a.Authorized));

        // The settled cost is the team's spend, and the rest of the reservation is free again.
        var first = capped.First(a => a.Authorized is not null).Authorized!;
        await host.Services.GetRequiredService<IBus>().Publish(new SettleRequest(first.RequestId, first.Settlement!, 10, new Cost(3m, "USD", "test")));
        await Eventually(async () => (await admin.GetFromJsonAsync<JsonArray>($"/admin/teams/{team}/budgets"))!.Single()!["spent"]!.GetValue<decimal>() == 3m, "the settled cost never showed as the team's spend");
        Assert.Single(await AskAsync(host, teamKey, 1, maxTokens: 10), a => a.Authorized is not null);
    }

    [Fact]
    public async Task Changes_are_validated_and_audited_with_their_before_and_after()
    {
        await using var host = await AdminHost.StartAsync();
        using var admin = host.Client();
        var org = (await admin.PostOkAsync("/admin/organizations", new { name = "limits-audit" })).Id();
        var (_, _, key) = await admin.UserWithKeyAsync(org, "member");

        using (var zero = await admin.PutAsJsonAsync($"/admin/keys/{key}/limits", new { requestsPerMinute = 0 }))
        {
            Assert.NotNull((await AdminApi.ProblemAsync(zero, HttpStatusCode.BadRequest))["errors"]!["requestsPerMinute"]);
        }

        using (var empty = await admin.PutAsJsonAsync($"/admin/keys/{key}/limits", new { }))
        {
            Assert.NotNull((await AdminApi.ProblemAsync(empty, HttpStatusCode.BadRequest))["errors"]!["body"]);
        }

        using (var numeric = await admin.PutAsJsonAsync($"/admin/keys/{key}/budgets/1", new { amount = 5m }))
        {
            Assert.NotNull((await AdminApi.ProblemAsync(numeric, HttpStatusCode.BadRequest))["errors"]!["period"]);
        }

        using (var negative = await admin.PutAsJsonAsync($"/admin/keys/{key}/budgets/month", new { amount = -5m, softThresholds = new[] { 150 } }))
        {
            var errors = (await AdminApi.ProblemAsync(negative, HttpStatusCode.BadRequest))["errors"]!;
            Assert.NotNull(errors["amount"]);
            Assert.NotNull(errors["softThresholds"]);
        }

        using (var missing = await admin.PutAsJsonAsync($"/admin/keys/{Guid.NewGuid()}/limits", new { concurrent = 1 }))
        {
            await AdminApi.ProblemAsync(missing, HttpStatusCode.NotFound);
        }

        await AdminApi.OkAsync(await admin.PutAsJsonAsync($"/admin/keys/{key}/limits", new { tokensPerMinute = 5000 }));
        await AdminApi.OkAsync(await admin.PutAsJsonAsync($"/admin/keys/{key}/limits", new { tokensPerMinute = 9000 }));
        await AdminApi.OkAsync(await admin.PutAsJsonAsync($"/admin/keys/{key}/budgets/month", new { amount = 12.5m, hard = false }));
        using (var cleared = await admin.DeleteAsync($"/admin/keys/{key}/budgets/month"))
        {
            Assert.Equal(HttpStatusCode.NoContent, cleared.StatusCode);
        }

        var entries = (await admin.GetOkAsync($"/admin/audit?limit=100"))["items"]!.AsArray()
            .Select(e => e!.AsObject()).Where(e => e.Text("objectId").StartsWith($"key/{key}", StringComparison.Ordinal)).ToList();
        var limits = entries.Where(e => e.Text("operation") == "limits.set").ToList();
        Assert.Equal(2, limits.Count);
        var second = limits.Single(e => e["before"] is not null);
        Assert.Equal((5000, 9000), (second["before"]!["tokensPerMinute"]!.GetValue<int>(), second["after"]!["tokensPerMinute"]!.GetValue<int>()));
        Assert.Single(entries, e => e.Text("operation") == "budget.set" && e["after"]!["amount"]!.GetValue<decimal>() == 12.5m && !e["after"]!["hard"]!.GetValue<bool>());
        Assert.Single(entries, e => e.Text("operation") == "budget.clear" && e["after"] is null);
        Assert.Empty(await admin.GetFromJsonAsync<JsonArray>($"/admin/keys/{key}/budgets") ?? []);
    }

    /// <summary>Asks for <paramref name="count"/> admissions at once with the key, as the saga does; none is settled.</summary>
    private static async Task<(RequestAuthorized? Authorized, RequestDenied? Denied)[]> AskAsync(AdminHost host, string secret, int count, long maxTokens = 16)
    {
        var client = host.Services.GetRequiredService<IBus>().CreateRequestClient<AuthorizeRequest>(Endpoints.PolicyAddress, RequestTimeout.After(s: 30));
        return await Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
        {
            var response = await client.GetResponse<RequestAuthorized, RequestDenied>(
                new AuthorizeRequest(Guid.NewGuid(), KeyRing.HashOf(secret), "chat.completions", Model, "127.0.0.1", InputTokens: 10, MaxOutputTokens: maxTokens));
            return response.Is(out Response<RequestAuthorized>? ok) ? (ok!.Message, (RequestDenied?)null)
                : response.Is(out Response<RequestDenied>? denied) ? ((RequestAuthorized?)null, denied!.Message)
                : throw new InvalidOperationException("neither answer");
        }));
    }

    private static async Task Eventually(Func<Task<bool>> condition, string failure)
    {
        var giveUp = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < giveUp, failure);
            await Task.Delay(50);
        }
    }
}
