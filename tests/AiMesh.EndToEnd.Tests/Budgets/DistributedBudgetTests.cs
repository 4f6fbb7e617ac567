using System.ClientModel;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using AiMesh.EndToEnd.Tests.Infrastructure;
using AiMesh.Policy.Budgets;
using AiMesh.Policy.Limits;
using OpenAI.Chat;

namespace AiMesh.EndToEnd.Tests.Budgets;

/// <summary>
/// A budget set through the admin API on the distributed mesh, as an operator and a client meet it: the admin call goes
/// through the ingress to one policy replica, the other two learn of it from RabbitMQ, the three share reservations in
/// Redis and price them with the routers' price ceilings; 50 concurrent requests through the official OpenAI SDK
/// overshoot the budget by at most one request's cost, and the budget's spend is exactly what metering recorded.
/// </summary>
public sealed class DistributedBudgetTests(DistributedBudgetedMesh mesh) : IClassFixture<DistributedBudgetedMesh>
{
    /// <summary>
    /// Room for a handful of requests: the routers' ceiling for gpt-4o-mini in the test mesh is its dearest deployment's
    /// (1.00 / 2.00 per million), so one request with 20 output tokens reserves about 0.00007.
    /// </summary>
    private const decimal Amount = 0.0003m;

    [Fact]
    public async Task A_budget_set_through_the_admin_api_holds_across_three_policy_replicas_and_its_spend_is_the_metered_cost()
    {
        using var admin = new HttpClient { BaseAddress = mesh.Ingress, Timeout = TimeSpan.FromSeconds(60) };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestEnvironment.AdminKey);
        var user = await OkAsync(await admin.PostAsJsonAsync("/admin/users", new { email = $"budget-{Guid.NewGuid():N}@example.com", role = "member" }));
        var created = await OkAsync(await admin.PostAsJsonAsync("/admin/keys", new { owner = new { userId = user["id"]!.GetValue<Guid>() }, models = new[] { "gpt-4o-mini" } }));
        var keyId = created["key"]!["id"]!.GetValue<Guid>();
        var set = await OkAsync(await admin.PutAsJsonAsync($"/admin/keys/{keyId}/budgets/day", new { amount = Amount }));
        Assert.True(set["hard"]!.GetValue<bool>());

        // Every replica has the budget (from the change event: their periodic reload is an hour away) and the routers'
        // prices, so whichever the broker hands a request to reserves the same worst case.
        foreach (var policy in mesh.Policies)
        {
            var rules = policy.Services.GetRequiredService<EntityRules>();
            var prices = policy.Services.GetRequiredService<RouterPrices>();
            await UntilAsync(() => rules.Budgets(BudgetScope.Key, keyId.ToString()).Count == 1 && prices.For("gpt-4o-mini") is not null, "a policy replica never got the budget or the routers' prices");
        }

        var chat = mesh.Client(created["secret"]!.GetValue<string>()).GetChatClient("gpt-4o-mini");
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 20 };
        // The key itself reaches the replicas the same way (401 until then).
        var giveUp = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        Outcome first;
        while ((first = await OutcomeAsync(chat.CompleteChatAsync([new UserChatMessage("echo: served")], options))) is { Status: 401 } && DateTime.UtcNow < giveUp)
        {
            await Task.Delay(200);
        }

        Assert.True(first.Status == 200, $"the new key's first request: {first}");

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => OutcomeAsync(chat.CompleteChatAsync([new UserChatMessage($"echo: budget {i}")], options))));

        var refused = outcomes.Where(o => o.Status != 200).ToList();
        Assert.NotEmpty(refused);
        Assert.All(refused, r => Assert.True((r.Status, r.Code) == (429, "budget_exceeded"), $"{r.Status} {r.Code}"));

        // Every admitted request (the first one included) is metered with the router's cost, the refused never are, and
        // the spend passes the amount by at most one request's cost although three replicas admitted them.
        var admitted = outcomes.Count(o => o.Status == 200) + 1;
        var metered = await UsageEventuallyAsync($"user:{user["id"]!.GetValue<Guid>()}", admitted);
        Assert.Equal(admitted, metered.Count);
        var total = metered.Sum(u => u.Cost!.Value);
        Assert.True(total <= Amount + metered.Max(u => u.Cost!.Value), $"spent {total} against {Amount} in {admitted} requests");

        // The budget's spend, as the admin API reports it, is the metered cost: each settle carried the router's cost.
        await UntilAsync(async () => (await admin.GetFromJsonAsync<JsonArray>($"/admin/keys/{keyId}/budgets"))!.Single()!["spent"]!.GetValue<decimal>() == total, $"the budget's spend never reached the metered {total}");
    }

    private async Task<IReadOnlyList<UsageRow>> UsageEventuallyAsync(string principal, int expected)
    {
        IReadOnlyList<UsageRow> mine = [];
        for (var i = 0; i < 300 && mine.Count < expected; i++)
        {
            await Task.Delay(100);
            mine = [.. (await mesh.UsageAsync()).Where(u => u.PrincipalId == principal)];
        }

        return mine;
    }

    private static Task UntilAsync(Func<bool> condition, string failure) => UntilAsync(() => Task.FromResult(condition()), failure);

    /// <summary>Polls for up to 60 s: a guard against a change that never arrives, not a speed claim.</summary>
    private static async Task UntilAsync(Func<Task<bool>> condition, string failure)
    {
        var giveUp = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < giveUp, failure);
            await Task.Delay(200);
        }
    }

    private static async Task<JsonObject> OkAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {body}");
            return JsonNode.Parse(body)!.AsObject();
        }
    }

    private static async Task<Outcome> OutcomeAsync(Task<ClientResult<ChatCompletion>> call)
    {
        try
        {
            return new Outcome((await call).GetRawResponse().Status, null);
        }
        catch (ClientResultException refused)
        {
            using var body = JsonDocument.Parse(refused.GetRawResponse()!.Content.ToString());
            return new Outcome(refused.Status, body.RootElement.GetProperty("error").GetProperty("code").GetString());
        }
    }

    private sealed record Outcome(int Status, string? Code);
}
