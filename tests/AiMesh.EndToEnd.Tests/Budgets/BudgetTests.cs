using System.ClientModel;
using System.Text.Json;
using AiMesh.EndToEnd.Tests.Infrastructure;
using AiMesh.Policy.Budgets;
using OpenAI.Chat;

namespace AiMesh.EndToEnd.Tests.Budgets;

/// <summary>
/// A hard budget as a client meets it, through the official OpenAI SDK on the embedded mesh against the mock provider:
/// 50 concurrent requests against a budget for a handful overshoot it by at most one request's cost, the refused get
/// 429 <c>budget_exceeded</c> with an OpenAI error body and Retry-After and are never metered, and every admitted
/// request's cost (the router's, through the saga's <c>SettleRequest</c>) is what the budget counts as spent.
/// </summary>
public sealed class BudgetTests(BudgetedMesh mesh) : IClassFixture<BudgetedMesh>
{
    [Fact]
    public async Task Fifty_concurrent_requests_overshoot_the_budget_by_at_most_one_requests_cost_and_the_refused_are_not_metered()
    {
        var chat = mesh.Client(TestEnvironment.LimitedClientKey).GetChatClient("gpt-4o-mini");
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 20 };

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => OutcomeAsync(chat.CompleteChatAsync([new UserChatMessage($"echo: budget {i}")], options))));

        var admitted = outcomes.Where(o => o.Status == 200).ToList();
        var refused = outcomes.Where(o => o.Status != 200).ToList();
        Assert.NotEmpty(admitted);
        Assert.NotEmpty(refused);
        Assert.All(refused, r =>
        {
            Assert.Equal(429, r.Status);
            Assert.Equal(("budget_exceeded", "rate_limit_error"), (r.Code, r.Type));
            Assert.InRange(r.RetryAfter!.Value, 1, 86_400);
        });

        // Every admitted request is metered with the router's cost; the refused never are.
        var rows = await UsageEventuallyAsync(r => r.Count(u => u.PrincipalId == "limited-app") >= admitted.Count);
        var metered = rows.Where(u => u.PrincipalId == "limited-app").ToList();
        Assert.Equal(admitted.Count, metered.Count);
        Assert.All(metered, u => Assert.True(u.Cost > 0));
        var total = metered.Sum(u => u.Cost!.Value);
        Assert.True(total <= BudgetedMesh.Amount + metered.Max(u => u.Cost!.Value), $"spent {total} against {BudgetedMesh.Amount}");

        // The budget's spend is the metered cost: the saga settled each request with it, releasing the reservations.
        var spent = await SpentEventuallyAsync(s => s == total);
        Assert.Equal(total, spent);
    }

    private async Task<decimal> SpentEventuallyAsync(Func<decimal, bool> until)
    {
        var store = mesh.Services.GetRequiredService<BudgetSpendStore>();
        var period = BudgetPeriods.Name(BudgetPeriod.Day, DateTimeOffset.UtcNow);
        var spent = 0m;
        for (var i = 0; i < 200 && !until(spent); i++)
        {
            await Task.Delay(50);
            spent = await store.SpentAsync("key:limited-key", period, CancellationToken.None);
        }

        return spent;
    }

    private async Task<IReadOnlyList<UsageRow>> UsageEventuallyAsync(Func<IReadOnlyList<UsageRow>, bool> until)
    {
        for (var i = 0; i < 200; i++)
        {
            var rows = await mesh.UsageAsync();
            if (until(rows))
            {
                return rows;
            }

            await Task.Delay(50);
        }

        throw new Xunit.Sdk.XunitException("The usage rows never arrived.");
    }

    private static async Task<Outcome> OutcomeAsync(Task<ClientResult<ChatCompletion>> call)
    {
        try
        {
            return new Outcome((await call).GetRawResponse().Status, null, null, null);
        }
        catch (ClientResultException refused)
        {
            var response = refused.GetRawResponse()!;
            using var body = JsonDocument.Parse(response.Content.ToString());
            var error = body.RootElement.GetProperty("error");
            int? retryAfter = response.Headers.TryGetValue("Retry-After", out var value) ? int.Parse(value!, System.Globalization.CultureInfo.InvariantCulture) : null;
            return new Outcome(refused.Status, error.GetProperty("code").GetString(), error.GetProperty("type").GetString(), retryAfter);
        }
    }

    private sealed record Outcome(int Status, string? Code, string? Type, int? RetryAfter);
}
