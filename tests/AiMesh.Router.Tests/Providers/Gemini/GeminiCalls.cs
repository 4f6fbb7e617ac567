using System.Text.Json.Nodes;
using AiMesh.Router.Deployments;
using AiMesh.Router.Providers;
using AiMesh.Router.Routing;

namespace AiMesh.Router.Tests.Providers.Gemini;

/// <summary>Calls and deployments for the Gemini and Vertex adapter tests.</summary>
internal static class GeminiCalls
{
    public const string Key = "AIzaSyTest-0123456789abcdefghijklmnop";

    public static readonly Guid RequestId = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");

    public static Deployment Gemini(UnsupportedParameterPolicy policy = UnsupportedParameterPolicy.Reject) => new(
        "gemini-flash",
        "gemini-public",
        "gemini",
        new Uri("http://127.0.0.1:9200/v1beta/"),
        "gemini-2.5-flash",
        new ApiKey(Key),
        new Dictionary<string, string> { ["x-extra"] = "1" },
        ["chat.completions", "embeddings"],
        "google",
        0,
        policy);

    public static Deployment Vertex() => Gemini() with
    {
        Name = "vertex-flash",
        Provider = "vertex",
        BaseUrl = new Uri("https://europe-west4-aiplatform.googleapis.com/v1/"),
        ApiKey = null,
        Project = "my-project",
        Region = "europe-west4",
    };

    public static ProviderCall Chat(string body, bool stream = false, Deployment? deployment = null, string api = ProviderApis.ChatCompletions)
    {
        var parsed = ClientRequest.TryParse(body) ?? throw new ArgumentException("Not a JSON object.", nameof(body));
        return new ProviderCall
        {
            RequestId = RequestId,
            Api = api,
            Deployment = deployment ?? Gemini(),
            Body = parsed,
            Stream = stream,
            ClientIncludeUsage = ClientRequest.IncludesUsage(parsed),
        };
    }

    public static ProviderCall Embeddings(string body, Deployment? deployment = null) => Chat(body, deployment: deployment, api: ProviderApis.Embeddings);

    /// <summary>The JSON body of <paramref name="request"/>.</summary>
    public static async Task<JsonObject> BodyAsync(HttpRequestMessage request) =>
        JsonNode.Parse(await request.Content!.ReadAsStringAsync())!.AsObject();
}
