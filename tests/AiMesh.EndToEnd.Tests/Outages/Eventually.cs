namespace AiMesh.EndToEnd.Tests.Outages;

/// <summary>Bounded waits for a condition the outage tests drive towards.</summary>
internal static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> every 200 ms; throws a timeout naming <paramref name="what"/> after <paramref name="limit"/> (60 s).</summary>
    public static async Task<bool> TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? limit = null)
    {
        var until = DateTime.UtcNow + (limit ?? TimeSpan.FromSeconds(60));
        while (!await condition())
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"{what}: not within {(limit ?? TimeSpan.FromSeconds(60)).TotalSeconds} s");
            }

            await Task.Delay(200);
        }

        return true;
    }
}
