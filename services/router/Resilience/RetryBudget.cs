using AiMesh.Router.Configuration;
using Microsoft.Extensions.Options;

namespace AiMesh.Router.Resilience;

/// <summary>
/// Bounds retries to a share of traffic (Finagle's retry budget): over the last ten seconds, retries may number at most
/// <see cref="RetryOptions.BudgetRatio"/> × requests + <see cref="RetryOptions.BudgetMinPerSecond"/> × 10. When a
/// deployment fails everything, the router adds at most that share of load to it, not MaxAttempts times its traffic.
/// Per replica; counted in one-second buckets.
/// </summary>
internal sealed class RetryBudget(IOptions<RouterOptions> options, TimeProvider time)
{
    private const int Buckets = 10;

    private readonly Lock gate = new();
    private readonly long[] requests = new long[Buckets];
    private readonly long[] retries = new long[Buckets];
    private readonly long[] seconds = new long[Buckets];

    public void Requested()
    {
        lock (gate)
        {
            requests[Bucket()]++;
        }
    }

    /// <summary>Takes one retry from the budget; false when it is spent.</summary>
    public bool TryRetry()
    {
        var settings = options.Value.Retries;
        lock (gate)
        {
            var now = Bucket();
            var oldest = seconds[now] - Buckets;
            long made = 0, asked = 0;
            for (var i = 0; i < Buckets; i++)
            {
                // A bucket not written for ten seconds holds an older second's counts: outside the window.
                if (seconds[i] > oldest)
                {
                    made += retries[i];
                    asked += requests[i];
                }
            }

            if (made >= (settings.BudgetRatio * asked) + (settings.BudgetMinPerSecond * Buckets))
            {
                return false;
            }

            retries[now]++;
            return true;
        }
    }

    /// <summary>The current second's bucket, emptied first when it last held an older second.</summary>
    private int Bucket()
    {
        var second = time.GetUtcNow().ToUnixTimeSeconds();
        var index = (int)(second % Buckets);
        if (seconds[index] != second)
        {
            (seconds[index], requests[index], retries[index]) = (second, 0, 0);
        }

        return index;
    }
}
