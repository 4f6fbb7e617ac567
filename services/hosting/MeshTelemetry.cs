using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace AiMesh.Hosting;

/// <summary>
/// OpenTelemetry wired by hand (the hosting package is not in our registry). ASP.NET Core, HttpClient and
/// MassTransit emit activities natively; MassTransit carries the trace context in message headers, so one
/// request is one trace across ingress, bus, services and provider. Exports over OTLP only when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
/// </summary>
public static class MeshTelemetry
{
    public const string ActivitySourceName = "AiMesh";

    public static void AddMeshTelemetry(this IHostApplicationBuilder builder, string serviceName)
    {
        var endpoint = builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            return;
        }

        builder.Services.AddSingleton(_ => Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateDefault().AddService(serviceName))
            .AddSource(ActivitySourceName, "MassTransit", "Microsoft.AspNetCore", "System.Net.Http")
            .AddOtlpExporter(o =>
            {
                o.Endpoint = new Uri(endpoint);
                o.Protocol = OtlpExportProtocol.Grpc;
            })
            .Build());
        builder.Services.AddHostedService<TracerProviderHolder>();
    }

    /// <summary>Resolves the tracer provider at start so it listens from the first request, and flushes it at stop.</summary>
    private sealed class TracerProviderHolder(TracerProvider provider) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken)
        {
            provider.ForceFlush(2000);
            return Task.CompletedTask;
        }
    }
}
