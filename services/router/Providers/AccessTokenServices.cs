using System.Net;
using AiMesh.Router.Configuration;
using Microsoft.Extensions.Options;

namespace AiMesh.Router.Providers;

/// <summary>Registers <see cref="AccessTokenCache"/> and the pooled client of the token endpoints, once for every adapter that uses them.</summary>
internal static class AccessTokenServices
{
    public static IServiceCollection AddAccessTokenCache(this IServiceCollection services)
    {
        // Called by each adapter family that needs it; registered once.
        if (services.Any(s => s.ServiceType == typeof(AccessTokenCache)))
        {
            return services;
        }

        services.AddSingleton<AccessTokenCache>();
        services.AddHttpClient(AccessTokenCache.HttpClientName)
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan) // the exchange's own timeout decides
            .ConfigurePrimaryHttpMessageHandler(provider => new SocketsHttpHandler
            {
                ConnectTimeout = provider.GetRequiredService<IOptions<RouterOptions>>().Value.Timeouts.Connect,
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),

                // A grant's secret goes to the configured endpoint only: a redirect is a refusal, never followed.
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.All,
                UseCookies = false,
            })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers();
        return services;
    }
}
