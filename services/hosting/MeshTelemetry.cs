using Microsoft.Extensions.Configuration;
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
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (gRPC; <c>OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf</c> for HTTP). Metrics:
/// <see cref="MeshMetrics"/>.
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
            .AddOtlpExporter(o => ConfigureOtlp(o, builder.Configuration, endpoint, "v1/traces"))
            .Build());
        builder.Services.AddHostedService<TracerProviderHolder>();
    }

    /// <summary>
    /// The OTLP exporter's endpoint and protocol: gRPC unless <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> is <c>http/protobuf</c>, in
    /// which case the signal's path (<paramref name="signalPath"/>) is appended, as the specification says for the
    /// variable (the SDK appends nothing to an endpoint given in code).
    /// </summary>
    internal static void ConfigureOtlp(OtlpExporterOptions options, IConfiguration configuration, string endpoint, string signalPath)
    {
        if (string.Equals(configuration["OTEL_EXPORTER_OTLP_PROTOCOL"], "http/protobuf", StringComparison.OrdinalIgnoreCase))
        {
            options.Protocol = OtlpExportProtocol.HttpProtobuf;
            options.Endpoint = new Uri(endpoint.TrimEnd('/') + "/" + signalPath);
            return;
        }

        options.Protocol = OtlpExportProtocol.Grpc;
        options.Endpoint = new Uri(endpoint);
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
