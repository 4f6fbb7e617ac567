using System.Diagnostics.Metrics;
using AiMesh.Hosting.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace AiMesh.Hosting;

/// <summary>
/// One OpenTelemetry MeterProvider per process, wired by hand like the tracer (the hosting package is not in our
/// registry): every AiMesh meter plus ASP.NET Core's, Kestrel's, HttpClient's, MassTransit's and the runtime's. It is
/// always read by <see cref="PrometheusExporter"/> at <c>GET /metrics</c>, and exported over OTLP when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
/// <para>
/// Why the SDK's pull reader rather than a MeterListener of our own: the SDK already aggregates without allocating per
/// measurement, honours the instruments' bucket advice, and feeds OTLP and the scrape the same instruments; ours
/// would be a second aggregation to keep right. What the SDK does not do is tell two hosts in one process apart (an
/// OpenTelemetry MeterListener sees every meter of that name): the view below drops instruments of another host's
/// <see cref="IMeterFactory"/>, so each host reports its own counts; meters made without a factory (the runtime's, a
/// static HttpClient handler's) are the process's and reported by every host in it. MassTransit's too: it makes its
/// meter once per process, from whichever host configured a bus first, so it is kept whatever its scope. (In a test
/// process whose first host has stopped, that meter is disposed with the host and MassTransit reports nothing more.)
/// </para>
/// </summary>
public static class MeshMetrics
{
    public static void AddMeshMetrics(this IHostApplicationBuilder builder, string serviceName)
    {
        builder.Services.AddOptions<MetricsOptions>()
            .Bind(builder.Configuration.GetSection(MetricsOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddMetrics();

        var endpoint = builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        builder.Services.AddSingleton<PrometheusExporter>();
        builder.Services.AddSingleton(services => new BaseExportingMetricReader(services.GetRequiredService<PrometheusExporter>())
        {
            TemporalityPreference = MetricReaderTemporalityPreference.Cumulative,
        });
        builder.Services.AddSingleton(services =>
        {
            var factory = services.GetRequiredService<IMeterFactory>();
            var metrics = OpenTelemetry.Sdk.CreateMeterProviderBuilder()
                .ConfigureResource(r => r.AddService(serviceName))
                .AddMeter([MeshMeters.AiMesh, .. MeshMeters.Framework])
                .AddView(instrument => instrument.Meter.Scope is null || ReferenceEquals(instrument.Meter.Scope, factory)
                    || instrument.Meter.Name == MeshMeters.MassTransit
                    ? null
                    : MetricStreamConfiguration.Drop)
                .AddReader(services.GetRequiredService<BaseExportingMetricReader>());
            if (!string.IsNullOrWhiteSpace(endpoint))
            {
                var configuration = services.GetRequiredService<IConfiguration>();
                metrics.AddOtlpExporter((exporter, reader) =>
                {
                    MeshTelemetry.ConfigureOtlp(exporter, configuration, endpoint, "v1/metrics");
                    if (int.TryParse(configuration["OTEL_METRIC_EXPORT_INTERVAL"], out var interval) && interval > 0)
                    {
                        reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = interval;
                    }
                });
            }

            return metrics.Build();
        });
        builder.Services.AddSingleton<MetricsScrape>();
        builder.Services.AddHostedService<MeterProviderHolder>();
        builder.Services.AddSingleton<QueueDepths>();
        builder.Services.AddHostedService(services => services.GetRequiredService<QueueDepths>());
    }

    /// <summary>
    /// <c>GET /metrics</c> (<c>Metrics:Path</c>): no credential, like the health checks; turned off with
    /// <c>Metrics:Enabled=false</c> and bound to given hosts or ports with <c>Metrics:Hosts</c>. Operators keep it off
    /// the public listener (README).
    /// </summary>
    public static void MapMeshMetrics(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value;
        if (!options.Enabled)
        {
            return;
        }

        var route = app.MapGet(options.Path, (MetricsScrape scrape) => Results.Text(scrape.Collect(), MetricsScrape.ContentType));
        if (options.Hosts.Length > 0)
        {
            route.RequireHost(options.Hosts);
        }
    }

    /// <summary>Builds the provider at start, so it listens from the first request, and flushes OTLP at stop.</summary>
    private sealed class MeterProviderHolder(MeterProvider provider) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken)
        {
            provider.ForceFlush(2000);
            return Task.CompletedTask;
        }
    }
}
