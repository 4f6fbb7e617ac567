using System.Globalization;
using AiMesh.MockProvider.Chat;
using AiMesh.MockProvider.Http;
using AiMesh.MockProvider.Scenarios;

namespace AiMesh.MockProvider.Cohere;

/// <summary>
/// <c>POST /v2/chat</c>, whole or streamed (<c>message-start</c>; <c>content-start</c>, a <c>content-delta</c> per
/// word, <c>content-end</c>; or <c>tool-plan-delta</c>s, <c>tool-call-start</c>, <c>tool-call-delta</c>s,
/// <c>tool-call-end</c>; <c>message-end</c> with the finish reason and usage). Faults count the deltas:
/// <c>cutAfter</c> breaks the connection, <c>stallAfter</c> stalls, <c>errorAfter</c> ends the stream as Cohere ends a
/// failed one, <c>message-end</c> with <c>finish_reason: "ERROR"</c> and the error's text. A fault past the end of the
/// content happens just before <c>message-end</c>. A last user text starting with <c>toolong:</c> is refused as a prompt
/// over the model's context.
/// </summary>
internal static class CohereChatEndpoint
{
    public static async Task HandleAsync(MockExchange exchange, ReadOnlyMemory<byte> body)
    {
        if (!CohereChatRequestReader.TryRead(body, out var request, out var error))
        {
            await CohereError.SendAsync(exchange, error!);
            return;
        }

        if (request.LastUserText.StartsWith("toolong:", StringComparison.Ordinal))
        {
            await CohereError.SendAsync(exchange, CohereError.BadRequest(
                "too many tokens: size limit exceeded by 11326 tokens. Try using shorter or fewer inputs, or setting prompt_truncation='AUTO'."));
            return;
        }

        var id = "mock-cohere-" + exchange.State.NextCompletionNumber().ToString(CultureInfo.InvariantCulture);
        var answer = CohereAnswer.Create(id, request, exchange.Scenario);
        if (request.Stream)
        {
            await StreamAsync(exchange, answer);
        }
        else
        {
            var json = MockJson.Render(answer, CohereChatJson.WriteAnswer);
            await exchange.SendJsonAsync(StatusCodes.Status200OK, json.WrittenMemory, injectFaults: true);
        }
    }

    private static async Task StreamAsync(MockExchange exchange, CohereAnswer answer)
    {
        var scenario = exchange.Scenario;
        await exchange.BeginEventStreamAsync();
        var deltas = answer.Plan.Count + answer.Pieces.Count;
        var faults = StreamFaults.For(scenario, deltas);

        using var sse = new SseWriter(exchange.Http.Response.BodyWriter);
        CohereChatJson.WriteMessageStart(sse.BeginEvent("message-start"), answer);
        sse.EndEvent();
        await exchange.FlushAsync();
        var sent = 0;
        if (await faults.InjectAsync(exchange, sent, () => WriteError(exchange, sse, answer)))
        {
            return;
        }

        foreach (var piece in answer.Plan)
        {
            CohereChatJson.WriteToolPlanDelta(sse.BeginEvent("tool-plan-delta"), piece);
            sse.EndEvent();
            await exchange.FlushAsync();
            if (await faults.InjectAsync(exchange, ++sent, () => WriteError(exchange, sse, answer)))
            {
                return;
            }
        }

        if (answer.IsToolCall)
        {
            CohereChatJson.WriteToolCallStart(sse.BeginEvent("tool-call-start"), answer);
        }
        else
        {
            CohereChatJson.WriteContent(sse.BeginEvent("content-start"), "content-start", "");
        }

        sse.EndEvent();
        for (var piece = 0; piece < answer.Pieces.Count; piece++)
        {
            if (piece > 0)
            {
                await exchange.DelayAsync(scenario.PaceMs);
            }

            if (answer.IsToolCall)
            {
                CohereChatJson.WriteToolCallDelta(sse.BeginEvent("tool-call-delta"), answer.Pieces[piece]);
            }
            else
            {
                CohereChatJson.WriteContent(sse.BeginEvent("content-delta"), "content-delta", answer.Pieces[piece]);
            }

            sse.EndEvent();
            await exchange.FlushAsync();
            if (await faults.InjectAsync(exchange, ++sent, () => WriteError(exchange, sse, answer)))
            {
                return;
            }
        }

        var end = answer.IsToolCall ? "tool-call-end" : "content-end";
        CohereChatJson.WriteEnd(sse.BeginEvent(end), end);
        sse.EndEvent();
        CohereChatJson.WriteMessageEnd(sse.BeginEvent("message-end"), answer, error: null);
        sse.EndEvent();
        await exchange.FlushAsync();
        exchange.MarkCompleted();
    }

    /// <summary>Cohere's end of a failed stream: <c>message-end</c> with <c>finish_reason: "ERROR"</c> and the text of the scenario's <c>errorStatus</c> (default 503).</summary>
    private static void WriteError(MockExchange exchange, SseWriter sse, CohereAnswer answer)
    {
        var error = CohereError.ForStatus(exchange.Scenario.ErrorStatus ?? StatusCodes.Status503ServiceUnavailable);
        CohereChatJson.WriteMessageEnd(sse.BeginEvent("message-end"), answer, error.Message);
        sse.EndEvent();
    }
}
