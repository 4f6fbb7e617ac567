using AiMesh.Router.Deployments;
using AiMesh.Router.Providers;
using AiMesh.Router.Providers.Anthropic;
using AiMesh.Router.Routing;
using AiMesh.Router.Transport;

namespace AiMesh.Router.Tests.Providers.Anthropic;

/// <summary>Calls, deployments and a fixed clock for the Anthropic adapter's tests.</summary>
internal static class AnthropicCalls
{
    public const string Key = "sk-ant-test-0123456789abcdefghijKLMNOP";
    public const long Created = 1_700_000_000;

    public static readonly AnthropicAdapter Adapter = new(new FixedTime());

    public static Deployment Deployment(IReadOnlyDictionary<string, string>? headers = null, int? defaultMaxTokens = null) => new(
        "claude",
        "claude-public",
        "anthropic",
        new Uri("http://127.0.0.1:9100/v1/"),
        "claude-upstream",
        new ApiKey(Key),
        headers ?? new Dictionary<string, string>(),
        [ProviderApis.ChatCompletions],
        "anthropic",
        0,
        DefaultMaxTokens: defaultMaxTokens);

    public static ProviderCall Call(string body, bool stream = false, Deployment? deployment = null)
    {
        var parsed = ClientRequest.TryParse(body) ?? throw new ArgumentException("Not a JSON object.", nameof(body));
        return new ProviderCall
        {
            RequestId = Guid.Parse("0b8c6a5e-1d2f-4e3a-9b7c-6d5e4f3a2b1c"),
            Api = ProviderApis.ChatCompletions,
            Deployment = deployment ?? Deployment(),
            Body = parsed,
            Stream = stream,
            ClientIncludeUsage = ClientRequest.IncludesUsage(parsed),
        };
    }

    /// <summary>Each event through a fresh translator, in order; stops after Done or Failed as the transport does.</summary>
    public static List<StreamStep> Translate(ProviderCall call, IEnumerable<SseEvent> events)
    {
        var translator = Adapter.CreateStreamTranslator(call);
        var steps = new List<StreamStep>();
        foreach (var sseEvent in events)
        {
            var step = translator.Translate(sseEvent);
            steps.Add(step);
            if (step.Kind is StreamStepKind.Done or StreamStepKind.Failed)
            {
                break;
            }
        }

        return steps;
    }

    /// <summary>Events as Anthropic names them: the <c>event:</c> field is the data's <c>type</c>.</summary>
    public static SseEvent Event(string data)
    {
        var type = System.Text.Json.JsonDocument.Parse(data).RootElement.GetProperty("type").GetString()!;
        return new SseEvent(type, data);
    }

    private sealed class FixedTime : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeSeconds(Created);
    }
}
