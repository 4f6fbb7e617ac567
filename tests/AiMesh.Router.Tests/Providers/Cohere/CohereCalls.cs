using System.Text;
using System.Text.Json.Nodes;
using AiMesh.Router.Deployments;
using AiMesh.Router.Providers;
using AiMesh.Router.Providers.Cohere;
using AiMesh.Router.Routing;
using AiMesh.Router.Tests.Support;

namespace AiMesh.Router.Tests.Providers.Cohere;

/// <summary>Calls, deployments, a fixed clock and stream plumbing for the Cohere adapter's tests.</summary>
internal static class CohereCalls
{
    public const string Key = "co-test-0123456789abcdefghijKLMNOP";
    public const long Created = 1_700_000_000;

    public static readonly CohereAdapter Adapter = new(new FixedTime());

    public static readonly Guid RequestId = Guid.Parse("0b8c6a5e-1d2f-4e3a-9b7c-6d5e4f3a2b1c");

    public static Deployment Deployment(int? defaultMaxTokens = null) => new(
        "command",
        "command-public",
        "cohere",
        new Uri("https://api.cohere.com/v2/"),
        "command-a-03-2025",
        new ApiKey(Key),
        new Dictionary<string, string> { ["X-Client-Name"] = "aimesh" },
        [ProviderApis.ChatCompletions, ProviderApis.Embeddings],
        "cohere",
        0,
        DefaultMaxTokens: defaultMaxTokens);

    public static ProviderCall Call(string body, bool stream = false, Deployment? deployment = null, string api = ProviderApis.ChatCompletions)
    {
        var parsed = ClientRequest.TryParse(body) ?? throw new ArgumentException("Not a JSON object.", nameof(body));
        return new ProviderCall
        {
            RequestId = RequestId,
            Api = api,
            Deployment = deployment ?? Deployment(),
            Body = parsed,
            Stream = stream,
            ClientIncludeUsage = ClientRequest.IncludesUsage(parsed),
        };
    }

    public static ProviderCall Embeddings(string body) => Call(body, api: ProviderApis.Embeddings);

    /// <summary>The body <see cref="CohereAdapter.BuildRequest"/> sends for <paramref name="call"/>.</summary>
    public static async Task<JsonObject> SentBodyAsync(ProviderCall call)
    {
        using var request = Adapter.BuildRequest(call);
        return JsonNode.Parse(await request.Content!.ReadAsStringAsync())!.AsObject();
    }

    /// <summary>Cohere's framing: every event named by its <c>type</c>.</summary>
    public static string CohereSse(IEnumerable<string> events) =>
        string.Concat(events.Select(e => "event: " + JsonNode.Parse(e)!["type"] + "\ndata: " + e + "\n\n"));

    /// <summary>Steps until the first Done or Failed, for the stream's bytes fed in the given pieces.</summary>
    public static List<StreamStep> Translate(ProviderCall call, params byte[][] pieces) =>
        TranslatedStream.Steps(Adapter.CreateStreamTranslator(call), pieces);

    public static List<StreamStep> Translate(ProviderCall call, IEnumerable<string> events) =>
        Translate(call, Encoding.UTF8.GetBytes(CohereSse(events)));

    private sealed class FixedTime : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeSeconds(Created);
    }
}
