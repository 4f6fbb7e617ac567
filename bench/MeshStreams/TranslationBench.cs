using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using AiMesh.Router.Deployments;
using AiMesh.Router.Providers;
using AiMesh.Router.Providers.Anthropic;
using AiMesh.Router.Providers.OpenAi;
using AiMesh.Router.Transport;

namespace AiMesh.Bench.MeshStreams;

/// <summary>
/// The router's translation of one streamed answer, alone: the provider's stream bytes (fetched once from the mock) fed
/// through the adapter's decoder and stream translator again and again on one thread, exactly the calls the router's
/// transport makes per read. CPU time per chunk out, to set against the whole mesh's CPU per chunk in the same run.
/// </summary>
internal static class TranslationBench
{
    public static async Task<object> RunAsync(HttpClient http, Options options)
    {
        var upstream = await FetchAsync(http, options);
        IProviderAdapter adapter = options.Anthropic ? new AnthropicAdapter(TimeProvider.System) : new OpenAiAdapter();
        var deployment = new Deployment("bench", options.Model, options.Anthropic ? "anthropic" : "openai", new Uri("http://127.0.0.1/v1/"),
            "bench-upstream", null, new Dictionary<string, string>(), ["chat.completions"], "aimesh", 0);
        // What the router's call holds is always the client's OpenAI request (the mesh's canonical format).
        var body = JsonNode.Parse($$"""{"model":"{{options.Model}}","stream":true,"messages":[{"role":"user","content":"count"}]}""")!.AsObject();
        var events = new List<SseEvent>();
        var chunks = 0L;
        var streams = 0L;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var deadline = Stopwatch.GetTimestamp() + (long)(options.Seconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            var call = new ProviderCall
            {
                RequestId = Guid.NewGuid(),
                Api = "chat.completions",
                Deployment = deployment,
                Body = body,
                Stream = true,
                ClientIncludeUsage = false,
            };
            var decoder = adapter.CreateStreamDecoder();
            var translator = adapter.CreateStreamTranslator(call);
            var done = false;
            for (var offset = 0; offset < upstream.Length && !done; offset += ReadBytes)
            {
                events.Clear();
                decoder.Feed(upstream.AsSpan(offset, Math.Min(ReadBytes, upstream.Length - offset)), events);
                foreach (var sseEvent in events)
                {
                    var step = translator.Translate(sseEvent);
                    chunks += step.Chunk is null ? 0 : 1;
                    done |= step.Kind is StreamStepKind.Done or StreamStepKind.Failed;
                }
            }

            if (!done)
            {
                throw new InvalidOperationException("The upstream stream did not translate to a complete answer.");
            }

            streams++;
        }

        var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        return new
        {
            mode = "translate",
            format = options.Anthropic ? "anthropic" : "openai",
            upstream_bytes = upstream.Length,
            streams,
            chunks,
            cpu_us_per_chunk = used.TotalMilliseconds * 1000 / Math.Max(1, chunks),
        };
    }

    /// <summary>What a socket read hands the decoder at most (the router's transport reads 16 KiB at a time).</summary>
    private const int ReadBytes = 16 * 1024;

    private static async Task<byte[]> FetchAsync(HttpClient http, Options options)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, options.Url)
        {
            Content = new StringContent(options.Body, Encoding.UTF8, "application/json"),
        };
        if (options.Anthropic)
        {
            request.Headers.Add("x-api-key", options.Key);
            request.Headers.Add("anthropic-version", "2023-06-01");
        }
        else
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.Key);
        }

        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsByteArrayAsync();
    }
}
