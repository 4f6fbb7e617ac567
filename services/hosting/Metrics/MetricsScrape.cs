using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;

namespace AiMesh.Hosting.Metrics;

/// <summary>
/// One scrape of <c>/metrics</c>: collects the process's metrics through the pull reader (observable instruments are
/// read now; their callbacks return cached values, never waiting on I/O) and returns the Prometheus text. Scrapes are
/// serialized: the exporter renders into one buffer.
/// </summary>
internal sealed class MetricsScrape(MeterProvider provider, PrometheusExporter exporter, ILogger<MetricsScrape> logger)
{
    private const int CollectTimeoutMs = 5000;
    private readonly Lock _gate = new();

    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public string Collect()
    {
        lock (_gate)
        {
            // The provider is asked for so that it exists (and has set Collect) before the first scrape.
            _ = provider;
            if (exporter.Collect?.Invoke(CollectTimeoutMs) != true)
            {
                HostingLog.CollectTimedOut(logger, CollectTimeoutMs);
            }

            return exporter.Text;
        }
    }
}
