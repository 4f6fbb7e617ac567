using AiMesh.Router.Configuration;
using Microsoft.Extensions.Options;

namespace AiMesh.Router.Providers.Gemini;

/// <summary>Registers the Gemini and Vertex adapters and what Vertex needs besides: its defaults, its checks and the token cache.</summary>
internal static class GeminiServices
{
    public static IServiceCollection AddGeminiProviders(this IServiceCollection services)
    {
        services.AddSingleton<IProviderAdapter, GeminiAdapter>();
        services.AddSingleton<IProviderAdapter, VertexAdapter>();
        services.AddAccessTokenCache();
        services.AddSingleton<IPostConfigureOptions<RouterOptions>, VertexDefaults>();
        services.AddSingleton<IValidateOptions<RouterOptions>, VertexOptionsValidator>();
        return services;
    }
}
