using System.Text.Json.Nodes;
using AiMesh.Router.Deployments;
using AiMesh.Router.Providers;
using AiMesh.Router.Routing;

namespace AiMesh.Router.Tests.Providers.Bedrock;

/// <summary>Bedrock deployments and calls for the adapter's unit tests; the clock is fixed so signatures and ids repeat.</summary>
internal static class BedrockCalls
{
    public const string AccessKeyId = "AKIDEXAMPLE";
    public const string Secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    public const string UpstreamModel = "anthropic.claude-3-haiku-20240307-v1:0";

    public static readonly DateTimeOffset Now = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);

    public static readonly Guid RequestId = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");

    public static Deployment Deployment(string upstreamModel = UpstreamModel, string? sessionToken = null) => new(
        "claude-bedrock",
        "claude-haiku",
        "bedrock",
        new Uri("https://bedrock-runtime.us-east-1.amazonaws.com/"),
        upstreamModel,
        null,
        new Dictionary<string, string>(),
        ["chat.completions", "embeddings"],
        "bedrock",
        0,
        Region: "us-east-1",
        AwsCredentials: new AwsCredentials(AccessKeyId, new ApiKey(Secret), sessionToken is null ? null : new ApiKey(sessionToken)));

    public static ProviderCall Call(string body, bool stream = false, string api = "chat.completions", Deployment? deployment = null)
    {
        var json = ClientRequest.TryParse(body) ?? throw new ArgumentException("Not a JSON object.", nameof(body));
        return new ProviderCall
        {
            RequestId = RequestId,
            Api = api,
            Deployment = deployment ?? Deployment(),
            Body = json,
            Stream = stream,
            ClientIncludeUsage = ClientRequest.IncludesUsage(json),
        };
    }

    public static async Task<JsonObject> SentBodyAsync(HttpRequestMessage request) =>
        JsonNode.Parse(await request.Content!.ReadAsStringAsync())!.AsObject();
}
