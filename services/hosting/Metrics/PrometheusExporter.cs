using System.Globalization;
using System.Text;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace AiMesh.Hosting.Metrics;

/// <summary>
/// A pull exporter: the SDK hands it the cumulative state of every metric when <see cref="MetricsScrape"/> collects,
/// and it renders the Prometheus text exposition format 0.0.4 — one <c># HELP</c> and <c># TYPE</c> per family (two
/// instruments that map to one name share a family when their kinds agree; a later one of another kind is left out),
/// counters as <c>_total</c>, histograms as cumulative <c>_bucket{le}</c> ending in <c>+Inf</c>, <c>_sum</c> and <c>_count</c>.
/// Exponential histograms are not configured anywhere, so not rendered.
/// </summary>
[ExportModes(ExportModes.Pull)]
internal sealed class PrometheusExporter : BaseExporter<Metric>, IPullMetricExporter
{
    private string _text = "";

    /// <summary>
    /// Set by the reader this exporter is given to: a pull-only reader collects only when asked through this delegate
    /// (the SDK refuses a plain <c>MetricReader.Collect</c> outside its pull scope).
    /// </summary>
    public Func<int, bool>? Collect { get; set; }

    /// <summary>What the last collection rendered. Read under the scrape's lock, right after it collected.</summary>
    public string Text => _text;

    public override ExportResult Export(in Batch<Metric> batch)
    {
        var families = new Dictionary<string, Family>(StringComparer.Ordinal);
        var order = new List<Family>();
        foreach (var metric in batch)
        {
            var kind = KindOf(metric.MetricType);
            if (kind is null)
            {
                continue;
            }

            var name = PrometheusNames.Metric(metric.Name, metric.Unit, counter: kind == "counter", gauge: kind == "gauge");
            if (!families.TryGetValue(name, out var family))
            {
                family = new Family(name, kind, metric.Description);
                families.Add(name, family);
                order.Add(family);
            }
            else if (family.Kind != kind)
            {
                continue;
            }

            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                Append(family, metric.MetricType, point);
            }
        }

        var text = new StringBuilder();
        foreach (var family in order)
        {
            if (family.Samples.Length == 0)
            {
                continue;
            }

            text.Append("# HELP ").Append(family.Name).Append(' ');
            PrometheusNames.AppendHelp(text, family.Help);
            text.Append('\n');
            text.Append("# TYPE ").Append(family.Name).Append(' ').Append(family.Kind).Append('\n');
            text.Append(family.Samples);
        }

        _text = text.ToString();
        return ExportResult.Success;
    }

    private static string? KindOf(MetricType type) => type switch
    {
        MetricType.LongSum or MetricType.DoubleSum => "counter",
        MetricType.LongGauge or MetricType.DoubleGauge or MetricType.LongSumNonMonotonic or MetricType.DoubleSumNonMonotonic => "gauge",
        MetricType.Histogram => "histogram",
        _ => null,
    };

    private static void Append(Family family, MetricType type, in MetricPoint point)
    {
        var samples = family.Samples;
        var labels = Labels(point);
        switch (type)
        {
            case MetricType.LongSum or MetricType.LongSumNonMonotonic:
                Sample(samples, family.Name, labels, null, point.GetSumLong().ToString(CultureInfo.InvariantCulture));
                break;
            case MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic:
                Sample(samples, family.Name, labels, null, Number(point.GetSumDouble()));
                break;
            case MetricType.LongGauge:
                Sample(samples, family.Name, labels, null, point.GetGaugeLastValueLong().ToString(CultureInfo.InvariantCulture));
                break;
            case MetricType.DoubleGauge:
                Sample(samples, family.Name, labels, null, Number(point.GetGaugeLastValueDouble()));
                break;
            case MetricType.Histogram:
                long cumulative = 0;
                foreach (var bucket in point.GetHistogramBuckets())
                {
                    cumulative += bucket.BucketCount;
                    Sample(samples, family.Name + "_bucket", labels, Number(bucket.ExplicitBound), cumulative.ToString(CultureInfo.InvariantCulture));
                }

                Sample(samples, family.Name + "_sum", labels, null, Number(point.GetHistogramSum()));
                Sample(samples, family.Name + "_count", labels, null, point.GetHistogramCount().ToString(CultureInfo.InvariantCulture));
                break;
            default:
                break;
        }
    }

    /// <summary>The point's labels, rendered once: <c>name="value",…</c> (empty without tags).</summary>
    private static string Labels(in MetricPoint point)
    {
        var text = new StringBuilder();
        foreach (var tag in point.Tags)
        {
            if (text.Length > 0)
            {
                text.Append(',');
            }

            text.Append(PrometheusNames.Label(tag.Key)).Append("=\"");
            PrometheusNames.AppendLabelValue(text, tag.Value switch
            {
                null => "",
                bool b => b ? "true" : "false",
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                var other => other.ToString() ?? "",
            });
            text.Append('"');
        }

        return text.ToString();
    }

    private static void Sample(StringBuilder samples, string name, string labels, string? le, string value)
    {
        samples.Append(name);
        if (labels.Length > 0 || le is not null)
        {
            samples.Append('{').Append(labels);
            if (le is not null)
            {
                samples.Append(labels.Length > 0 ? ",le=\"" : "le=\"").Append(le).Append('"');
            }

            samples.Append('}');
        }

        samples.Append(' ').Append(value).Append('\n');
    }

    private static string Number(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private sealed class Family(string name, string kind, string? help)
    {
        public string Name { get; } = name;

        public string Kind { get; } = kind;

        public string Help { get; } = string.IsNullOrWhiteSpace(help) ? name : help;

        public StringBuilder Samples { get; } = new();
    }
}
