using System.Globalization;
using AiMesh.EndToEnd.Tests.Authentication;

namespace AiMesh.EndToEnd.Tests.Budgets;

/// <summary>
/// The embedded mesh with a hard daily budget of <see cref="Amount"/> on the limited key. Policy reserves with the
/// router's own prices for gpt-4o-mini (0.15 / 0.60 per million), so a reservation is the request's real worst case.
/// </summary>
public sealed class BudgetedMesh() : CapturedEmbeddedMesh("budgets")
{
    public const decimal Amount = 0.00005m;

    protected override Task ConfigureAsync(List<string> args, string directory)
    {
        args.AddRange(
        [
            "--Policy:Budgets:Rules:0:Scope=Key",
            "--Policy:Budgets:Rules:0:Match=limited-key",
            "--Policy:Budgets:Rules:0:Period=Day",
            $"--Policy:Budgets:Rules:0:Amount={Amount.ToString(CultureInfo.InvariantCulture)}",
            "--Policy:Budgets:Rules:0:Hard=true",
            "--Policy:Budgets:Prices:gpt-4o-mini:Input=0.15",
            "--Policy:Budgets:Prices:gpt-4o-mini:Output=0.60",
        ]);
        return Task.CompletedTask;
    }
}
