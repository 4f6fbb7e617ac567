using System.Globalization;
using AiMesh.Contracts.Policy;

namespace AiMesh.Ingress.Http;

/// <summary>
/// The caller's standing against its rate limits as OpenAI reports it: <c>x-ratelimit-limit-requests</c>,
/// <c>x-ratelimit-remaining-requests</c>, <c>x-ratelimit-reset-requests</c> and the same for tokens, the reset as a
/// duration in OpenAI's form (<c>20ms</c>, <c>1s</c>, <c>6m0s</c>). Only limits that apply are reported.
/// </summary>
internal static class RateLimitHeaders
{
    public static void Write(HttpResponse response, RateLimitState? state)
    {
        if (state is null || response.HasStarted)
        {
            return;
        }

        Write(response, "requests", state.RequestLimit, state.RequestsRemaining, state.RequestsResetMs);
        Write(response, "tokens", state.TokenLimit, state.TokensRemaining, state.TokensResetMs);
    }

    /// <summary>Milliseconds as OpenAI writes a reset: <c>ms</c> under a second, seconds to three decimals under a minute, else minutes and seconds.</summary>
    public static string Duration(long milliseconds)
    {
        if (milliseconds < 1000)
        {
            return milliseconds.ToString(CultureInfo.InvariantCulture) + "ms";
        }

        var seconds = (milliseconds % 60_000) / 1000.0;
        var text = seconds.ToString("0.###", CultureInfo.InvariantCulture) + "s";
        return milliseconds < 60_000 ? text : (milliseconds / 60_000).ToString(CultureInfo.InvariantCulture) + "m" + text;
    }

    private static void Write(HttpResponse response, string kind, long? limit, long? remaining, long? resetMs)
    {
        if (limit is null || remaining is null || resetMs is null)
        {
            return;
        }

        response.Headers["x-ratelimit-limit-" + kind] = limit.Value.ToString(CultureInfo.InvariantCulture);
        response.Headers["x-ratelimit-remaining-" + kind] = remaining.Value.ToString(CultureInfo.InvariantCulture);
        response.Headers["x-ratelimit-reset-" + kind] = Duration(resetMs.Value);
    }
}
