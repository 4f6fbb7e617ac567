using System.Text.Json;
using AiMesh.MockProvider;
using AiMesh.Router.Deployments;
using AiMesh.Router.Providers.Anthropic;
using AiMesh.Router.Providers.Azure;
using AiMesh.Router.Providers.Bedrock;
using AiMesh.Router.Providers.Cohere;
using AiMesh.Router.Providers.Gemini;
using AiMesh.Router.Providers.Mistral;
using AiMesh.Router.Providers.OpenAi;
using AiMesh.Router.Providers;
using AiMesh.Router.Routing;

namespace AiMesh.Router.Tests.Providers;

/// <summary>
/// Every native adapter's output against the OpenAI adapter's for the same mock answer (the mock plans the same words
/// and tool call in every wire format): the members of <c>choices</c> (message or delta) and <c>usage</c>, with their
/// JSON types, must be OpenAI's, whole and streamed, so an OpenAI client cannot tell which provider answered.
/// </summary>
public sealed class OpenAiParityTests : IAsyncLifetime
{
    private const string Tools = ""","tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}],"tool_choice":"required" """;

    private static readonly HttpClient Http = new();

    private MockProviderHandle mock = null!;

    public static TheoryData<string, bool> Natives => new()
    {
        { "anthropic", false }, { "anthropic", true },
        { "gemini", false }, { "gemini", true },
        { "bedrock", false }, { "bedrock", true },
        { "cohere", false }, { "cohere", true },
        { "azure", false }, { "azure", true },
        { "mistral", false }, { "mistral", true },
    };

    public async Task InitializeAsync() => mock = await MockProviderServer.StartAsync(new MockProviderOptions { Tokens = 4 });

    public async Task DisposeAsync() => await mock.DisposeAsync();

    [Theory]
    [MemberData(nameof(Natives))]
    public async Task A_whole_answer_has_exactly_openais_members(string provider, bool tools)
    {
        var expected = Shape(await WholeAsync("openai", tools));
        var actual = Shape(await WholeAsync(provider, tools));

        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(Natives))]
    public async Task A_stream_has_openais_chunks_in_openais_order(string provider, bool tools)
    {
        var expected = await StreamAsync("openai", tools);
        var actual = await StreamAsync(provider, tools);

        Assert.Equal(Collapse(expected), Collapse(actual));
        if (!tools)
        {
            // Chunk for chunk: role, one per word, finish, usage. (Gemini sends a call's arguments whole, so a tool
            // stream's argument pieces may be fewer than OpenAI's; their shapes are the same.)
            Assert.Equal(expected.Select(Shape), actual.Select(Shape));
        }
    }

    private async Task<JsonElement> WholeAsync(string provider, bool tools)
    {
        var (adapter, call) = Call(provider, tools, stream: false);
        using var response = await Http.SendAsync(adapter.BuildRequest(call));
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.IsSuccessStatusCode, System.Text.Encoding.UTF8.GetString(bytes));
        var answer = adapter.ReadResponse(call, bytes);
        Assert.True(answer.IsValid, provider);
        return JsonDocument.Parse(answer.Body!).RootElement;
    }

    private async Task<List<JsonElement>> StreamAsync(string provider, bool tools)
    {
        var (adapter, call) = Call(provider, tools, stream: true);
        using var response = await Http.SendAsync(adapter.BuildRequest(call));
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.IsSuccessStatusCode, System.Text.Encoding.UTF8.GetString(bytes));
        var steps = Support.TranslatedStream.Steps(adapter.CreateStreamTranslator(call), [bytes], adapter.CreateStreamDecoder());
        Assert.Equal(StreamStepKind.Done, steps[^1].Kind);
        return [.. steps
            .Where(s => s.Kind is StreamStepKind.Forward or StreamStepKind.Done)
            .SelectMany(s => (s.Chunk is null ? Array.Empty<string>() : [s.Chunk]).Concat(s.Then ?? []))
            .Select(c => JsonDocument.Parse(c).RootElement)];
    }

    private (IProviderAdapter Adapter, ProviderCall Call) Call(string provider, bool tools, bool stream)
    {
        var body = """{"model":"public","max_tokens":50,"messages":[{"role":"user","content":"hi"}]""" + (tools ? Tools : "")
            + (stream ? ""","stream":true,"stream_options":{"include_usage":true}}""" : "}");
        var root = mock.BaseAddress;
        var (adapter, deployment) = provider switch
        {
            "openai" => ((IProviderAdapter)new OpenAiAdapter(), Deployment(provider, new Uri(root, "v1/"), "mock-gpt")),
            "anthropic" => (new AnthropicAdapter(TimeProvider.System), Deployment(provider, new Uri(root, "v1/"), "claude-mock")),
            "gemini" => (new GeminiAdapter(TimeProvider.System), Deployment(provider, new Uri(root, "v1beta/"), "gemini-2.5-flash")),
            "bedrock" => (new BedrockAdapter(TimeProvider.System), Deployment(provider, root, "anthropic.claude-3-haiku-20240307-v1:0") with
            {
                ApiKey = null,
                Region = "us-east-1",
                AwsCredentials = new AwsCredentials("AKIDMOCKBEDROCK", new ApiKey("mock/bedrock+secret/for+tests+only"), null),
            }),
            "cohere" => (new CohereAdapter(TimeProvider.System), Deployment(provider, new Uri(root, "v2/"), "command-a-03-2025")),
            "azure" => (new AzureAdapter(null!), Deployment(provider, root, "gpt4o-prod") with { ApiVersion = "2024-10-21" }),
            "mistral" => (new MistralAdapter(TimeProvider.System), Deployment(provider, new Uri(root, "mistral/v1/"), "mistral-small-latest")),
            _ => throw new ArgumentOutOfRangeException(nameof(provider)),
        };
        var parsed = ClientRequest.TryParse(body)!;
        return (adapter, new ProviderCall
        {
            RequestId = Guid.NewGuid(),
            Api = ProviderApis.ChatCompletions,
            Deployment = deployment,
            Body = parsed,
            Stream = stream,
            ClientIncludeUsage = ClientRequest.IncludesUsage(parsed),
        });
    }

    private static Deployment Deployment(string provider, Uri baseUrl, string upstream) =>
        new("parity-" + provider, "public", provider, baseUrl, upstream, new ApiKey("parity-test-key-0123456789"),
            new Dictionary<string, string>(), [ProviderApis.ChatCompletions], "aimesh", 0);

    /// <summary>The members of <c>choices</c> and <c>usage</c> (and whether there are others), each as <c>path:type</c>.</summary>
    private static string Shape(JsonElement root)
    {
        var members = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var property in root.EnumerateObject())
        {
            if (property.Name is "choices" or "usage")
            {
                Walk(property.Value, property.Name, members);
            }
            else if (property.Name != "system_fingerprint")
            {
                // The mock's OpenAI API adds a fingerprint; the other top-level members (id, object, created, model) are shared.
                members.Add(property.Name + ":" + property.Value.ValueKind);
            }
        }

        return string.Join(' ', members);
    }

    private static void Walk(JsonElement element, string path, SortedSet<string> members)
    {
        members.Add(path + ":" + element.ValueKind);
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Walk(property.Value, path + "." + property.Name, members);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Walk(item, path + "[]", members);
                }

                break;
            default:
                break;
        }
    }

    /// <summary>The shapes of a stream's chunks, runs of the same shape (the content pieces) counted once.</summary>
    private static List<string> Collapse(List<JsonElement> chunks)
    {
        var shapes = new List<string>();
        foreach (var shape in chunks.Select(Shape))
        {
            if (shapes.Count == 0 || shapes[^1] != shape)
            {
                shapes.Add(shape);
            }
        }

        return shapes;
    }
}
