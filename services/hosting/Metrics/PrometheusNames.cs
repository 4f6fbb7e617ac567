using System.Text;

namespace AiMesh.Hosting.Metrics;

/// <summary>
/// OpenTelemetry names → Prometheus names, after the specification's "Prometheus and OpenMetrics compatibility": every
/// character outside <c>[a-zA-Z0-9_:]</c> (labels: <c>[a-zA-Z0-9_]</c>) becomes <c>_</c>, runs of <c>_</c> collapse, the
/// unit is appended in words (<c>s</c> → <c>_seconds</c>, annotations such as <c>{request}</c> dropped) unless the name
/// already ends with it, and a monotonic sum ends in <c>_total</c>.
/// </summary>
public static class PrometheusNames
{
    public static string Metric(string name, string? unit, bool counter, bool gauge)
    {
        var result = Sanitize(name, allowColon: true);
        var suffix = UnitSuffix(unit, gauge);
        if (suffix.Length > 0 && !result.EndsWith("_" + suffix, StringComparison.Ordinal))
        {
            result = result + "_" + suffix;
        }

        if (counter)
        {
            if (result.EndsWith("_total", StringComparison.Ordinal))
            {
                result = result[..^"_total".Length];
            }

            result += "_total";
        }

        return result;
    }

    public static string Label(string key)
    {
        var result = Sanitize(key, allowColon: false);
        return result.StartsWith("__", StringComparison.Ordinal) ? "key" + result : result;
    }

    /// <summary>A label value in the text format: <c>\</c>, <c>"</c> and line feeds escaped.</summary>
    public static void AppendLabelValue(StringBuilder text, string value)
    {
        foreach (var c in value)
        {
            _ = c switch
            {
                '\\' => text.Append(@"\\"),
                '"' => text.Append("\\\""),
                '\n' => text.Append(@"\n"),
                _ => text.Append(c),
            };
        }
    }

    /// <summary>A HELP text: <c>\</c> and line feeds escaped.</summary>
    public static void AppendHelp(StringBuilder text, string help)
    {
        foreach (var c in help)
        {
            _ = c switch
            {
                '\\' => text.Append(@"\\"),
                '\n' => text.Append(@"\n"),
                _ => text.Append(c),
            };
        }
    }

    /// <summary>The unit in words, or empty. <c>1</c> is <c>ratio</c> for gauges only; <c>a/b</c> is <c>a_per_b</c>.</summary>
    public static string UnitSuffix(string? unit, bool gauge)
    {
        if (string.IsNullOrWhiteSpace(unit))
        {
            return "";
        }

        var stripped = StripAnnotations(unit).Trim();
        if (stripped.Length == 0)
        {
            return "";
        }

        if (stripped == "1")
        {
            return gauge ? "ratio" : "";
        }

        var slash = stripped.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0)
        {
            var per = Word(stripped[(slash + 1)..], per: true);
            var of = Word(stripped[..slash], per: false);
            return Sanitize(per.Length == 0 ? of : $"{of}_per_{per}", allowColon: false).Trim('_');
        }

        return Sanitize(Word(stripped, per: false), allowColon: false).Trim('_');
    }

    private static string Word(string unit, bool per) => unit switch
    {
        "d" => per ? "day" : "days",
        "h" => per ? "hour" : "hours",
        "min" => per ? "minute" : "minutes",
        "s" => per ? "second" : "seconds",
        "ms" => "milliseconds",
        "us" => "microseconds",
        "ns" => "nanoseconds",
        "By" => "bytes",
        "KiBy" => "kibibytes",
        "MiBy" => "mebibytes",
        "GiBy" => "gibibytes",
        "KBy" => "kilobytes",
        "MBy" => "megabytes",
        "GBy" => "gigabytes",
        "m" => per ? "meter" : "meters",
        "V" => "volts",
        "A" => "amperes",
        "J" => "joules",
        "W" => "watts",
        "g" => "grams",
        "Cel" => "celsius",
        "Hz" => "hertz",
        "%" => "percent",
        _ => unit,
    };

    private static string StripAnnotations(string unit)
    {
        var text = new StringBuilder(unit.Length);
        var depth = 0;
        foreach (var c in unit)
        {
            if (c == '{')
            {
                depth++;
            }
            else if (c == '}' && depth > 0)
            {
                depth--;
            }
            else if (depth == 0)
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }

    private static string Sanitize(string name, bool allowColon)
    {
        var text = new StringBuilder(name.Length + 1);
        foreach (var c in name)
        {
            var valid = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' || (allowColon && c == ':');
            var next = valid ? c : '_';
            if (next == '_' && text.Length > 0 && text[^1] == '_')
            {
                continue;
            }

            text.Append(next);
        }

        if (text.Length == 0 || char.IsAsciiDigit(text[0]))
        {
            text.Insert(0, '_');
        }

        return text.ToString();
    }
}
