using System.Globalization;

namespace AiMesh.MockProvider.Scenarios;

/// <summary>
/// Parses <c>key=value;key=value</c> specs. Unknown keys and bad values are rejected (the request gets a 400)
/// rather than ignored, so a typo in a test's scenario fails loudly instead of silently testing the happy path.
/// </summary>
internal static class ScenarioParser
{
    public static bool TryParse(Scenario defaults, string? pathSpec, string? headerSpec, out Scenario scenario, out string? error)
    {
        scenario = defaults;
        error = null;
        if (string.IsNullOrWhiteSpace(pathSpec) && string.IsNullOrWhiteSpace(headerSpec))
        {
            return true;
        }

        // The header is applied second so its keys win over the path's.
        if (!TryApply(ref scenario, pathSpec, out error) || !TryApply(ref scenario, headerSpec, out error))
        {
            return false;
        }

        scenario = scenario with { CounterKey = pathSpec + "\n" + headerSpec };
        return true;
    }

    /// <summary>
    /// Kestrel decodes the path once; this also accepts a spec that was encoded twice (some clients re-encode a
    /// base URL that already held %3D) or an encoded header value.
    /// </summary>
    public static string? Decode(string? spec) =>
        spec is not null && spec.Contains('%', StringComparison.Ordinal) ? Uri.UnescapeDataString(spec) : spec;

    private static bool TryApply(ref Scenario scenario, string? spec, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(spec))
        {
            return true;
        }

        foreach (var part in spec.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                error = $"Mock scenario entry '{part}' is not key=value.";
                return false;
            }

            var key = part[..eq].Trim();
            var value = part[(eq + 1)..].Trim();
            if (!TryApplyKey(ref scenario, key, value, out error))
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryApplyKey(ref Scenario s, string key, string value, out string? error)
    {
        error = null;
        int n;
        switch (key.ToUpperInvariant())
        {
            case "LATENCY" when TryInt(value, out n):
                s = s with { LatencyMs = n };
                return true;
            case "TTFT" when TryInt(value, out n):
                s = s with { TtftMs = n };
                return true;
            case "PACE" when TryInt(value, out n):
                s = s with { PaceMs = n };
                return true;
            case "TOKENS" when TryInt(value, out n) && n <= Scenario.MaxTokens:
                s = s with { Tokens = n };
                return true;
            case "STATUS" when TryInt(value, out n) && n is >= 400 and <= 599:
                s = s with { Status = n };
                return true;
            case "RETRYAFTER" when TryInt(value, out n):
                s = s with { RetryAfterSeconds = n };
                return true;
            case "STATUSCOUNT" when TryInt(value, out n):
                s = s with { StatusCount = n };
                return true;
            case "STATUSEVERY" when TryInt(value, out n) && n >= 1:
                s = s with { StatusEvery = n };
                return true;
            case "CUTAFTER" when TryInt(value, out n):
                s = s with { CutAfter = n };
                return true;
            case "STALLAFTER" when TryInt(value, out n):
                s = s with { StallAfter = n };
                return true;
            case "STALL" when TryInt(value, out n):
                s = s with { StallMs = n };
                return true;
            case "ERRORAFTER" when TryInt(value, out n):
                s = s with { ErrorAfter = n };
                return true;
            case "ERRORSTATUS" when TryInt(value, out n) && n is >= 400 and <= 599:
                s = s with { ErrorStatus = n };
                return true;
            case "NOUSAGE" when value is "1" or "true" or "0" or "false":
                s = s with { NoUsage = value is "1" or "true" };
                return true;
            case "FINISH" when value.Length > 0:
                s = s with { Finish = value };
                return true;
            case "STAMP" when value is "1" or "true" or "0" or "false":
                s = s with { Stamp = value is "1" or "true" };
                return true;
            case "STREAMERROR" when value.Length > 0:
                s = s with { StreamError = value };
                return true;
            case "TAG":
                // Only makes a spec string distinct, so two tests' statusCount counters do not meet.
                return true;
            case "LATENCY" or "TTFT" or "PACE" or "TOKENS" or "STATUS" or "RETRYAFTER" or "STATUSCOUNT" or "STATUSEVERY" or "CUTAFTER"
                or "STALLAFTER" or "STALL" or "ERRORAFTER" or "ERRORSTATUS" or "NOUSAGE" or "FINISH" or "STREAMERROR" or "STAMP":
                error = $"Mock scenario value '{value}' is not valid for '{key}'.";
                return false;
            default:
                error = $"Mock scenario key '{key}' is unknown.";
                return false;
        }
    }

    private static bool TryInt(string value, out int n) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out n);
}
