using AiMesh.EndToEnd.Tests.Infrastructure;

namespace AiMesh.EndToEnd.Tests.Budgets;

/// <summary>
/// The distributed mesh with three policy replicas sharing budget reservations in Redis (a prefix of this mesh's own)
/// and no budget in configuration: the test sets one through the admin API, and policy prices reservations with the
/// routers' price ceilings (no <c>Policy:Budgets:Prices</c>).
/// </summary>
public sealed class DistributedBudgetedMesh : DistributedMesh
{
    private readonly string prefix = "e2e-budget-" + Guid.NewGuid().ToString("N")[..12];

    protected override int PolicyReplicas => 3;

    protected override IEnumerable<string> PolicyArguments() =>
    [
        "--Policy:Limits:Store=Redis",
        $"--Policy:Limits:Redis={TestEnvironment.Redis}",
        $"--Policy:Limits:RedisPrefix={prefix}",
        "--Policy:Limits:Replicas=3",

        // About sharing reservations, not falling back (a loaded machine can pass the 250 ms default): RedisOutageTests covers that.
        "--Policy:Limits:StoreTimeout=00:00:02",

        // The bound under test is the change event's; the periodic reload would hide a lost one.
        "--Policy:KeyReloadInterval=01:00:00",
    ];
}
