using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace AiMesh.Hosting.Jwt;

/// <summary>
/// One issuer's JWKS, cached. A request never waits for a periodic refresh: keys older than
/// <see cref="JwtOptions.JwksRefreshInterval"/> are served while one fetch runs in the background. It waits (at most
/// <see cref="JwtOptions.JwksTimeout"/>) only when nothing is cached or its token names a <c>kid</c> the cache does not
/// hold, and then only for a fetch; fetches start at most once per <see cref="JwtOptions.JwksMinRefreshInterval"/>
/// and concurrent requests share one. A failed fetch keeps the last keys.
/// </summary>
internal sealed class JwksKeySource(Uri url, Func<JwksClient> client, JwtOptions options, TimeProvider time, ILogger logger, string section = "")
{
    private readonly Lock gate = new();
    private volatile Snapshot? current;
    private Task? fetching;
    private DateTimeOffset lastStart = DateTimeOffset.MinValue;

    /// <returns>The keys to try, or null when none are cached and none could be fetched in time.</returns>
    public async ValueTask<IReadOnlyList<SecurityKey>?> GetAsync(string? keyId, CancellationToken cancellationToken)
    {
        var snapshot = current;
        var now = time.GetUtcNow();
        if (snapshot is not null && Holds(snapshot, keyId))
        {
            if (now - snapshot.FetchedAt >= options.JwksRefreshInterval)
            {
                _ = Start();
            }

            return snapshot.Keys;
        }

        var fetch = Start();
        if (fetch is not null)
        {
            try
            {
                await fetch.WaitAsync(options.JwksTimeout, time, cancellationToken);
            }
            catch (TimeoutException)
            {
                JwtLog.JwksSlow(logger, url.Host, section);
            }
        }

        return current?.Keys;
    }

    /// <summary>Starts a fetch without waiting for it: at start, so the first token need not wait for the keys.</summary>
    public void Prefetch() => _ = Start();

    private static bool Holds(Snapshot snapshot, string? keyId) =>
        string.IsNullOrEmpty(keyId) || snapshot.Keys.Any(k => string.Equals(k.KeyId, keyId, StringComparison.Ordinal));

    /// <returns>
    /// The fetch running (perhaps just started), or null when the last one started less than
    /// <see cref="JwtOptions.JwksMinRefreshInterval"/> ago: periodic and on-demand fetches share that bound, so an
    /// identity provider that is down is asked at most once per interval, however many requests come.
    /// </returns>
    private Task? Start()
    {
        lock (gate)
        {
            if (fetching is { IsCompleted: false })
            {
                return fetching;
            }

            var now = time.GetUtcNow();
            if (now - lastStart < options.JwksMinRefreshInterval)
            {
                return null;
            }

            lastStart = now;
            fetching = FetchAsync();
            return fetching;
        }
    }

    private async Task FetchAsync()
    {
        // Off the caller's thread and token: a client that goes away does not cancel a fetch others wait for.
        await Task.Yield();
        try
        {
            var json = await client().FetchAsync(url, CancellationToken.None);
            var keys = SigningKeys.FromJwks(json);
            current = new Snapshot(keys, time.GetUtcNow());
            JwtLog.JwksFetched(logger, url.Host, section, keys.Count);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or ArgumentException or System.Text.Json.JsonException)
        {
            JwtLog.JwksFetchFailed(logger, url.Host, section, ex.GetType().Name);
        }
    }

    private sealed record Snapshot(IReadOnlyList<SecurityKey> Keys, DateTimeOffset FetchedAt);
}
