using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AiMesh.Hosting;

/// <summary>Registers MassTransit with the modules' consumers on the transport configuration names.</summary>
public static class MeshBus
{
    public static void AddMeshBus(this IHostApplicationBuilder builder, IReadOnlyList<IMeshModule> modules)
    {
        builder.Services.AddOptions<BusOptions>()
            .Bind(builder.Configuration.GetSection(BusOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        var options = builder.Configuration.GetSection(BusOptions.Section).Get<BusOptions>() ?? new BusOptions();

        builder.Services.AddMassTransit(bus =>
        {
            // MassTransit 8.4 reports usage to its vendor's host by default; a gateway phones nobody home.
            bus.DisableUsageTelemetry();
            bus.SetKebabCaseEndpointNameFormatter();
            foreach (var module in modules)
            {
                module.ConfigureBus(bus);
            }

            switch (options.Transport)
            {
                case BusTransport.InMemory:
                    bus.UsingInMemory((context, cfg) =>
                    {
                        cfg.ConcurrentMessageLimit = options.PrefetchCount;
                        TransientMessages.Configure(cfg); // no effect in memory; applied so both modes send alike
                        cfg.ConfigureEndpoints(context);
                    });
                    break;
                case BusTransport.RabbitMq:
                    bus.UsingRabbitMq((context, cfg) =>
                    {
                        var rabbit = context.GetRequiredService<IOptions<BusOptions>>().Value.RabbitMq;
                        cfg.Host(rabbit.Host, (ushort)rabbit.Port, rabbit.VirtualHost, h =>
                        {
                            h.Username(rabbit.Username);
                            h.Password(rabbit.Password);
                            h.RequestedConnectionTimeout(TimeSpan.FromSeconds(5));
                        });
                        cfg.PrefetchCount = options.PrefetchCount;
                        TransientMessages.Configure(cfg);
                        cfg.ConfigureEndpoints(context);
                    });
                    break;
                default:
                    throw new InvalidOperationException($"Unknown bus transport {options.Transport}.");
            }
        });

        // A service that cannot reach the broker at start keeps retrying in the background and reports not ready,
        // rather than failing its host: the broker coming back is enough for service to resume.
        builder.Services.Configure<MassTransitHostOptions>(o =>
        {
            o.WaitUntilStarted = false;
            o.StartTimeout = TimeSpan.FromSeconds(30);
            o.StopTimeout = TimeSpan.FromSeconds(10);
        });
    }
}
