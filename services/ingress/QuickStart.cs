using AiMesh.MockProvider;

namespace AiMesh.Ingress;

/// <summary>
/// The quick start (<c>Mesh:QuickStart</c>, on in the embedded default's appsettings.json): a mesh that answers
/// out of the box. With <c>OPENAI_API_KEY</c> in the environment, the two quick-start models route to OpenAI
/// with that key; without it, to the mock provider, started in this process on loopback, so the first chat
/// completion works offline. Deployments configured explicitly under <c>Router:Deployments</c> win.
/// </summary>
internal static class QuickStart
{
    public static async Task ApplyAsync(WebApplicationBuilder builder)
    {
        var settings = builder.Configuration.GetSection("Mesh:QuickStart");
        if (!settings.GetValue("Enabled", false) || builder.Configuration.GetSection("Router:Deployments").GetChildren().Any())
        {
            return;
        }

        string baseUrl;
        string? keyEnv = null;
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OPENAI_API_KEY"]))
        {
            baseUrl = "https://api.openai.com/v1";
            keyEnv = "OPENAI_API_KEY";
        }
        else
        {
            var mock = await MockProviderServer.StartAsync(new MockProviderOptions
            {
                Port = settings.GetValue("MockPort", 0),
                Record = false,
            });
            builder.Services.AddSingleton(mock);
            baseUrl = new Uri(mock.BaseAddress, "v1").ToString();
        }

        var deployments = new Dictionary<string, string?>();
        void Add(int i, string model, string upstream, string api)
        {
            deployments[$"Router:Deployments:{i}:Name"] = keyEnv is null ? $"{model}-mock" : $"{model}-openai";
            deployments[$"Router:Deployments:{i}:Model"] = model;
            deployments[$"Router:Deployments:{i}:Provider"] = "openai";
            deployments[$"Router:Deployments:{i}:BaseUrl"] = baseUrl;
            deployments[$"Router:Deployments:{i}:UpstreamModel"] = keyEnv is null ? upstream : model;
            deployments[$"Router:Deployments:{i}:Api:0"] = api;
            if (keyEnv is not null)
            {
                deployments[$"Router:Deployments:{i}:ApiKeyEnv"] = keyEnv;
            }
        }

        Add(0, "gpt-4o-mini", "mock-gpt", "chat.completions");
        Add(1, "text-embedding-3-small", "mock-embed", "embeddings");
        builder.Configuration.AddInMemoryCollection(deployments);
    }
}
