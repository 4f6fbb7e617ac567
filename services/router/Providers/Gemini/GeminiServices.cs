using System.Net;
using AiMesh.Router.Configuration;
using Microsoft.Extensions.Options;

namespace AiMesh.Router.Providers.Gemini;

/// <summary>Registers the Gemini and Vertex adapters and what Vertex needs besides: its defaults, its checks and its token cache.</summary>
internal static class GeminiServices
{
    public static IServiceCollection AddGeminiProviders(this IServiceCollection services)
    {
        services.AddSingleton<IProviderAdapter, GeminiAdapter>();
        services.AddSingleton<IProviderAdapter, VertexAdapter>();
        services.AddSingleton<VertexAccessTokens>();
        services.AddSingleton<IPostConfigureOptions<RouterOptions>, VertexDefaults>();
        services.AddSingleton<IValidateOptions<RouterOptions>, VertexOptionsValidator>();
        services.AddHttpClient(VertexAccessTokens.HttpClientName)
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan) // the exchange's own timeout decides
            .ConfigurePrimaryHttpMessageHandler(provider => new SocketsHttpHandler
            {
                ConnectTimeout = provider.GetRequiredService<IOptions<RouterOptions>>().Value.Timeouts.Connect,
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),

                // The assertion goes to the configured endpoint only: a redirect is a refusal, never followed.
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.All,
                UseCookies = false,
            })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers();
        return services;
    }
}
