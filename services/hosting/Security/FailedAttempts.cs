using System.Collections.Concurrent;

namespace AiMesh.Hosting.Security;

/// <summary>
/// Slows guessing: counts rejected credentials per client address in fixed windows, and once an address reached
/// <see cref="FailedAttemptOptions.Limit"/> in the current window, every attempt from it is refused (429, with
/// Retry-After to the window's end) until the window ends, valid keys included: answering a valid key differently
/// while the address is held would tell the guesser it found one.
/// <para>
/// Per replica, in memory: with N replicas an address gets at most N × the limit rejections per window (competing
/// consumers spread its attempts). Memory is bounded by <see cref="FailedAttemptOptions.MaxTrackedAddresses"/>:
/// past it, new addresses are not tracked until expired windows are swept. A request without a client address is not
/// counted. Behind a NAT one misbehaving client holds back its neighbours for at most one window; the limit is
/// configurable and 0 switches this off.
/// </para>
/// <para>
/// Two services keep one each, for the credentials each checks: policy for API keys (<c>Policy:FailedAttempts</c>,
/// the request path and the admin API), the ingress for bearer tokens and client certificates it refuses itself
/// (<c>Ingress:FailedAttempts</c>). So an address gets at most the sum of both limits per window before everything it
/// sends is held, and each service holds it for what it checks.
/// </para>
/// </summary>
public sealed class FailedAttempts(FailedAttemptOptions settings, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Window> windows = new(StringComparer.Ordinal);
    private long nextSweepTicks;

    /// <returns>Seconds until the address may try again, or null when it may try now.</returns>
    public int? HeldFor(string? address)
    {
        if (settings.Limit <= 0 || address is null || !windows.TryGetValue(address, out var window))
        {
            return null;
        }

        var now = time.GetUtcNow();
        if (now >= window.Ends || Volatile.Read(ref window.Failures) < settings.Limit)
        {
            return null;
        }

        return Math.Max(1, (int)Math.Ceiling((window.Ends - now).TotalSeconds));
    }

    /// <summary>Counts one rejected credential from <paramref name="address"/>.</summary>
    public void Failed(string? address)
    {
        if (settings.Limit <= 0 || address is null)
        {
            return;
        }

        var now = time.GetUtcNow();
        Sweep(now);
        while (true)
        {
            if (windows.TryGetValue(address, out var window))
            {
                if (now < window.Ends)
                {
                    Interlocked.Increment(ref window.Failures);
                    return;
                }

                if (windows.TryUpdate(address, new Window(now + settings.Window, 1), window))
                {
                    return;
                }

                continue;
            }

            if (windows.Count >= settings.MaxTrackedAddresses || windows.TryAdd(address, new Window(now + settings.Window, 1)))
            {
                return;
            }
        }
    }

    private void Sweep(DateTimeOffset now)
    {
        var due = Interlocked.Read(ref nextSweepTicks);
        if (now.UtcTicks < due || Interlocked.CompareExchange(ref nextSweepTicks, (now + settings.Window).UtcTicks, due) != due)
        {
            return;
        }

        foreach (var (address, window) in windows)
        {
            if (window.Ends <= now)
            {
                windows.TryRemove(new KeyValuePair<string, Window>(address, window));
            }
        }
    }

    private sealed class Window(DateTimeOffset ends, int failures)
    {
        public readonly DateTimeOffset Ends = ends;
        public int Failures = failures;
    }
}
