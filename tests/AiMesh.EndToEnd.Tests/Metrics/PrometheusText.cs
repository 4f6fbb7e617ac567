using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace AiMesh.EndToEnd.Tests.Metrics;

/// <summary>
/// A strict reader of the Prometheus text exposition format 0.0.4, for tests: it throws on anything a scraper could
/// misread. Every sample belongs to a family declared by exactly one <c># TYPE</c> (and at most one <c># HELP</c>)
/// before it; names and label names are valid; label values use only the format's escapes; no series appears twice;
/// a histogram's buckets are cumulative, end in <c>le="+Inf"</c>, and its <c>_count</c> equals that bucket.
/// </summary>
internal sealed partial class PrometheusText
{
    private PrometheusText(IReadOnlyDictionary<string, string> types, IReadOnlyList<Sample> samples)
    {
        Types = types;
        Samples = samples;
    }

    /// <summary>Family name → its type.</summary>
    public IReadOnlyDictionary<string, string> Types { get; }

    public IReadOnlyList<Sample> Samples { get; }

    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
    {
        public bool Has(params (string Key, string Value)[] labels) =>
            labels.All(l => Labels.TryGetValue(l.Key, out var v) && v == l.Value);
    }

    /// <summary>The sum of the samples named <paramref name="name"/> carrying all <paramref name="labels"/> (0 when none).</summary>
    public double Sum(string name, params (string Key, string Value)[] labels) =>
        Samples.Where(s => s.Name == name && s.Has(labels)).Sum(s => s.Value);

    public bool Contains(string name) => Samples.Any(s => s.Name == name);

    public static PrometheusText Parse(string text)
    {
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var helps = new HashSet<string>(StringComparer.Ordinal);
        var samples = new List<Sample>();
        var series = new HashSet<string>(StringComparer.Ordinal);
        var lineNumber = 0;
        foreach (var line in text.Split('\n'))
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith('#'))
            {
                var parts = line.Split(' ', 4);
                if (parts.Length >= 3 && parts[1] == "HELP")
                {
                    Require(MetricName().IsMatch(parts[2]), lineNumber, "bad HELP name");
                    Require(helps.Add(parts[2]), lineNumber, $"second HELP for {parts[2]}");
                    CheckHelp(parts.Length == 4 ? parts[3] : "", lineNumber);
                }
                else if (parts.Length == 4 && parts[1] == "TYPE")
                {
                    Require(MetricName().IsMatch(parts[2]), lineNumber, "bad TYPE name");
                    Require(parts[3] is "counter" or "gauge" or "histogram" or "summary" or "untyped", lineNumber, $"unknown type {parts[3]}");
                    Require(types.TryAdd(parts[2], parts[3]), lineNumber, $"second TYPE for {parts[2]}");
                    Require(!samples.Any(s => FamilyOf(s.Name, types) == parts[2]), lineNumber, $"TYPE of {parts[2]} after its samples");
                }

                continue;
            }

            var sample = ParseSample(line, lineNumber);
            var family = FamilyOf(sample.Name, types);
            Require(family is not null, lineNumber, $"sample {sample.Name} belongs to no declared family");
            var key = sample.Name + "{" + string.Join(",", sample.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")) + "}";
            Require(series.Add(key), lineNumber, $"series {key} appears twice");
            samples.Add(sample);
        }

        foreach (var (family, type) in types.Where(t => t.Value == "histogram"))
        {
            CheckHistogram(family, samples);
        }

        return new PrometheusText(types, samples);
    }

    private static string? FamilyOf(string sample, Dictionary<string, string> types)
    {
        if (types.ContainsKey(sample))
        {
            return types[sample] == "histogram" ? null : sample;
        }

        foreach (var suffix in (string[])["_bucket", "_sum", "_count"])
        {
            if (sample.EndsWith(suffix, StringComparison.Ordinal) && types.TryGetValue(sample[..^suffix.Length], out var type) && type == "histogram")
            {
                return sample[..^suffix.Length];
            }
        }

        return null;
    }

    private static void CheckHistogram(string family, List<Sample> samples)
    {
        var groups = samples.Where(s => s.Name.StartsWith(family + "_", StringComparison.Ordinal))
            .GroupBy(s => string.Join(",", s.Labels.Where(l => l.Key != "le").OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")));
        foreach (var group in groups)
        {
            var buckets = group.Where(s => s.Name == family + "_bucket").ToList();
            Require(buckets.Count > 0, 0, $"{family}{{{group.Key}}} has no buckets");
            Require(buckets.All(b => b.Labels.ContainsKey("le")), 0, $"{family} bucket without le");
            var bounds = buckets.Select(b => ParseValue(b.Labels["le"], 0)).ToList();
            for (var i = 1; i < buckets.Count; i++)
            {
                Require(bounds[i] > bounds[i - 1], 0, $"{family}{{{group.Key}}} buckets not in increasing order of le");
                Require(buckets[i].Value >= buckets[i - 1].Value, 0, $"{family}{{{group.Key}}} buckets not cumulative");
            }

            Require(buckets[^1].Labels["le"] == "+Inf", 0, $"{family}{{{group.Key}}} does not end in le=\"+Inf\"");
            var count = group.SingleOrDefault(s => s.Name == family + "_count");
            var sum = group.SingleOrDefault(s => s.Name == family + "_sum");
            Require(count is not null && sum is not null, 0, $"{family}{{{group.Key}}} lacks _count or _sum");
            Require(count!.Value == buckets[^1].Value, 0, $"{family}{{{group.Key}}} _count {count.Value} differs from the +Inf bucket {buckets[^1].Value}");
        }
    }

    private static Sample ParseSample(string line, int lineNumber)
    {
        var at = 0;
        while (at < line.Length && line[at] is not ('{' or ' '))
        {
            at++;
        }

        var name = line[..at];
        Require(MetricName().IsMatch(name), lineNumber, $"bad metric name '{name}'");
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (at < line.Length && line[at] == '{')
        {
            at++;
            while (line[at] != '}')
            {
                var eq = line.IndexOf('=', at);
                Require(eq > at, lineNumber, "label without '='");
                var label = line[at..eq];
                Require(LabelName().IsMatch(label), lineNumber, $"bad label name '{label}'");
                Require(line[eq + 1] == '"', lineNumber, "label value not quoted");
                at = eq + 2;
                var value = new StringBuilder();
                while (line[at] != '"')
                {
                    if (line[at] == '\\')
                    {
                        at++;
                        value.Append(line[at] switch
                        {
                            '\\' => '\\',
                            '"' => '"',
                            'n' => '\n',
                            var other => throw new FormatException($"line {lineNumber}: unknown escape \\{other}"),
                        });
                    }
                    else
                    {
                        value.Append(line[at]);
                    }

                    at++;
                }

                Require(labels.TryAdd(label, value.ToString()), lineNumber, $"label {label} twice");
                at++;
                if (line[at] == ',')
                {
                    at++;
                }
                else
                {
                    Require(line[at] == '}', lineNumber, "labels not closed");
                }
            }

            at++;
        }

        Require(at < line.Length && line[at] == ' ', lineNumber, "no space before the value");
        var fields = line[(at + 1)..].Split(' ');
        Require(fields.Length is 1 or 2, lineNumber, "extra fields after the value");
        if (fields.Length == 2)
        {
            Require(long.TryParse(fields[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _), lineNumber, "bad timestamp");
        }

        return new Sample(name, labels, ParseValue(fields[0], lineNumber));
    }

    private static double ParseValue(string text, int lineNumber) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) => value,
        _ => throw new FormatException($"line {lineNumber}: bad value '{text}'"),
    };

    private static void CheckHelp(string help, int lineNumber)
    {
        for (var i = 0; i < help.Length; i++)
        {
            if (help[i] == '\\')
            {
                Require(i + 1 < help.Length && help[i + 1] is '\\' or 'n', lineNumber, "unknown escape in HELP");
                i++;
            }
        }
    }

    private static void Require(bool condition, int lineNumber, string problem)
    {
        if (!condition)
        {
            throw new FormatException($"line {lineNumber}: {problem}");
        }
    }

    [GeneratedRegex("^[a-zA-Z_:][a-zA-Z0-9_:]*$")]
    private static partial Regex MetricName();

    [GeneratedRegex("^[a-zA-Z_][a-zA-Z0-9_]*$")]
    private static partial Regex LabelName();
}
