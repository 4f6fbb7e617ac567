using AiMesh.EndToEnd.Tests.Infrastructure;

namespace AiMesh.EndToEnd.Tests.Limits;

/// <summary>
/// The distributed mesh with three policy replicas sharing their rate-limit counters in Redis (a prefix of this mesh's
/// own, so runs never count each other): the limited key may make <see cref="LimitedKeyPerMinute"/> requests a minute
/// across all three.
/// </summary>
public sealed class DistributedLimitedMesh : DistributedMesh
{
    public const int LimitedKeyPerMinute = 30;

    private readonly string prefix = "e2e-" + Guid.NewGuid().ToString("N")[..12];

    protected override int PolicyReplicas => 3;

    protected override IEnumerable<string> PolicyArguments() =>
    [
        "--Policy:Limits:Store=Redis",
        $"--Policy:Limits:Redis={TestEnvironment.Redis}",
        $"--Policy:Limits:RedisPrefix={prefix}",
        "--Policy:Limits:Replicas=3",

        // A loaded test machine can take longer than the production default (250 ms) to answer: this test is about
        // sharing the limit, not about falling back, which RedisLimitTests covers.
        "--Policy:Limits:StoreTimeout=00:00:02",
        "--Policy:Limits:Rules:0:Scope=Key",
        "--Policy:Limits:Rules:0:Match=limited-key",
        $"--Policy:Limits:Rules:0:RequestsPerMinute={LimitedKeyPerMinute}",
    ];
}
