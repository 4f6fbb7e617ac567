using System.Globalization;
using AiMesh.MockProvider.Chat;
using AiMesh.MockProvider.Http;

namespace AiMesh.MockProvider.Gemini;

/// <summary>
/// <c>:generateContent</c> and <c>:streamGenerateContent</c> on both the Gemini API's and Vertex AI's paths, planned by
/// the same <see cref="ReplyPlanner"/> as the OpenAI route (echo, canned words, JSON mode, tool calls). Streamed with
/// <c>alt=sse</c> one event per word, the last carrying the finish reason and the full usage; without <c>alt=sse</c>
/// as Google's JSON array of responses. The scenario's stream faults count events: <c>cutAfter=N</c> resets the
/// connection after N events, never letting the finishing event out; <c>stallAfter=N</c> stalls there.
/// </summary>
internal static class GeminiGenerate
{
    public static async Task HandleAsync(MockExchange exchange, GoogleRoute route, ReadOnlyMemory<byte> body)
    {
        if (!GeminiRequestReader.TryRead(body, route, out var request, out var error))
        {
            await GoogleEndpoints.SendErrorAsync(exchange, error!);
            return;
        }

        if (request.TooLong)
        {
            await GoogleEndpoints.SendErrorAsync(exchange, GoogleError.InvalidArgument(
                "The input token count (2000000) exceeds the maximum number of tokens allowed (1048576)."));
            return;
        }

        var scenario = exchange.Scenario;
        var reply = ReplyPlanner.Plan(request.Chat, scenario);
        var number = exchange.State.NextCompletionNumber();
        var frame = new GeminiFrame(
            "mock-response-" + number.ToString(CultureInfo.InvariantCulture),
            route.Model,
            request.Chat.Choices,
            request.Chat.PromptTokens,
            reply.Pieces.Count * request.Chat.Choices,
            request.ThoughtTokens,
            !scenario.NoUsage);
        if (!request.Chat.Stream)
        {
            if (request.FailWith is { } code)
            {
                await GoogleEndpoints.SendErrorAsync(exchange, GoogleError.ForCode(code));
                return;
            }

            var json = request.Blocked
                ? MockJson.Render(frame, GeminiResponseJson.WriteBlocked)
                : MockJson.Render((frame, reply), GeminiResponseJson.WriteWhole);
            await exchange.SendJsonAsync(StatusCodes.Status200OK, json.WrittenMemory, injectFaults: true);
            return;
        }

        if (exchange.Http.Request.Query["alt"] != "sse")
        {
            await SendArrayAsync(exchange, frame, reply, request);
            return;
        }

        await StreamAsync(exchange, frame, reply, request);
    }

    private static async Task StreamAsync(MockExchange exchange, GeminiFrame frame, Reply reply, GeminiGenerateRequest request)
    {
        var scenario = exchange.Scenario;
        var response = exchange.Http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        await exchange.FlushAsync();
        await exchange.DelayAsync(scenario.TtftMs);

        using var sse = new SseWriter(response.BodyWriter, crlf: true);
        if (request.Blocked)
        {
            GeminiResponseJson.WriteBlocked(sse.BeginEvent(), frame);
            sse.EndEvent();
            await FinishAsync(exchange);
            return;
        }

        var events = Events(reply);
        var cutAt = scenario.CutAfter is { } cut ? Math.Min(cut, events.Count - 1) : -1;
        var stallAt = scenario.StallAfter is { } stall ? Math.Min(stall, events.Count - 1) : -1;
        var finish = GeminiResponseJson.Finish(reply);
        for (var i = 0; i < events.Count; i++)
        {
            if (i == stallAt)
            {
                await exchange.StallAsync();
            }

            if (i == cutAt)
            {
                exchange.Abort();
                return;
            }

            if (request.FailWith is { } code && i == Math.Min(2, events.Count - 1))
            {
                // An error after the answer started travels inside the stream, as Google sends it.
                GoogleError.ForCode(code).Write(sse.BeginEvent());
                sse.EndEvent();
                await FinishAsync(exchange);
                return;
            }

            if (i > 0)
            {
                await exchange.DelayAsync(scenario.PaceMs);
            }

            var last = i == events.Count - 1;
            GeminiResponseJson.WriteEvent(sse.BeginEvent(), frame, reply, events[i], last ? finish : null, last);
            sse.EndEvent();
            await exchange.FlushAsync();
        }

        await FinishAsync(exchange);
    }

    /// <summary>Without <c>alt=sse</c> Google streams one JSON array of responses; the mock sends it whole, without pacing or faults.</summary>
    private static async Task SendArrayAsync(MockExchange exchange, GeminiFrame frame, Reply reply, GeminiGenerateRequest request)
    {
        var events = Events(reply);
        var finish = GeminiResponseJson.Finish(reply);
        var json = MockJson.Render((frame, reply, events, finish, request.Blocked), static (w, s) =>
        {
            w.WriteStartArray();
            if (s.Blocked)
            {
                GeminiResponseJson.WriteBlocked(w, s.frame);
            }
            else
            {
                for (var i = 0; i < s.events.Count; i++)
                {
                    var last = i == s.events.Count - 1;
                    GeminiResponseJson.WriteEvent(w, s.frame, s.reply, s.events[i], last ? s.finish : null, last);
                }
            }

            w.WriteEndArray();
        });
        await exchange.SendJsonAsync(StatusCodes.Status200OK, json.WrittenMemory, injectFaults: false);
    }

    /// <summary>What each event carries: a word of text (at least one event, empty for an empty reply), or the one whole function call.</summary>
    private static IReadOnlyList<string> Events(Reply reply) =>
        reply.IsToolCall || reply.Pieces.Count == 0 ? [reply.IsToolCall ? reply.Text : ""] : reply.Pieces;

    private static async Task FinishAsync(MockExchange exchange)
    {
        await exchange.FlushAsync();
        exchange.MarkCompleted();
    }
}
