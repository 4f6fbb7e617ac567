namespace AiMesh.Router.Tests.Support;

/// <summary>Adds a deployment keyed by <see cref="RouterHost.KeyVariable"/> to a router's settings, the way provider route tests do.</summary>
internal static class DeploymentSettings
{
    public static void Add(Dictionary<string, string?> settings, int index, string name, string model, string provider, string baseUrl, string upstream, string api)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var at = $"Router:Deployments:{index}:";
        settings[at + "Name"] = name;
        settings[at + "Model"] = model;
        settings[at + "Provider"] = provider;
        settings[at + "BaseUrl"] = baseUrl;
        settings[at + "UpstreamModel"] = upstream;
        settings[at + "ApiKeyEnv"] = RouterHost.KeyVariable;
        settings[at + "Api:0"] = api;
    }

    /// <summary>The mock's root (scenario prefix included) under the chat deployment's <c>{root}/v1</c> base URL.</summary>
    public static string MockRoot(Dictionary<string, string?> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new Uri(new Uri(settings["Router:Deployments:0:BaseUrl"]!), "./").ToString();
    }
}
