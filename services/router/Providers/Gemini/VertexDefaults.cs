using AiMesh.Router.Configuration;
using Microsoft.Extensions.Options;

namespace AiMesh.Router.Providers.Gemini;

/// <summary>
/// Gives a Vertex deployment without a <c>BaseUrl</c> its region's endpoint, before validation:
/// <c>https://{Region}-aiplatform.googleapis.com/v1</c>, or <c>https://aiplatform.googleapis.com/v1</c> for the
/// <c>global</c> location. A BaseUrl set in configuration (a test's mock, a private endpoint) is kept.
/// </summary>
internal sealed class VertexDefaults : IPostConfigureOptions<RouterOptions>
{
    public void PostConfigure(string? name, RouterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var deployment in options.Deployments)
        {
            if (string.Equals(deployment.Provider, "vertex", StringComparison.OrdinalIgnoreCase)
                && string.IsNullOrWhiteSpace(deployment.BaseUrl)
                && deployment.Region is { } region && VertexOptionsValidator.IsRegion(region))
            {
                deployment.BaseUrl = region == "global"
                    ? "https://aiplatform.googleapis.com/v1"
                    : $"https://{region}-aiplatform.googleapis.com/v1";
            }
        }
    }
}
