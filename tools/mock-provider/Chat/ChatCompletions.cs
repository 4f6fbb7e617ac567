using System.Globalization;
using AiMesh.MockProvider.Azure;
using AiMesh.MockProvider.Http;
using AiMesh.MockProvider.Scenarios;

namespace AiMesh.MockProvider.Chat;

/// <summary><c>POST /v1/chat/completions</c>, whole or streamed, with the scenario's pacing and stream faults.</summary>
internal static class ChatCompletions
{
    /// <param name="azure">Answer as Azure OpenAI does: OpenAI's shapes with its content filter's annotations.</param>
    public static async Task HandleAsync(MockExchange exchange, ReadOnlyMemory<byte> body, bool azure = false)
    {
        if (!ChatRequestReader.TryRead(body, out var request, out var error))
        {
            await exchange.SendErrorAsync(error!);
            return;
        }

        var scenario = exchange.Scenario;
        var reply = ReplyPlanner.Plan(request, scenario);
        var number = exchange.State.NextCompletionNumber();
        var frame = CompletionFrame.For("chatcmpl-mock-" + number.ToString(CultureInfo.InvariantCulture), request, reply, scenario) with { AzureFilters = azure };
        exchange.Http.Response.Headers["x-request-id"] = "req_mock_" + number.ToString(CultureInfo.InvariantCulture);
        if (request.Stream)
        {
            await StreamAsync(exchange, frame, reply);
        }
        else
        {
            var json = MockJson.Render((frame, reply), ChatCompletionJson.WriteCompletion);
            await exchange.SendJsonAsync(StatusCodes.Status200OK, json.WrittenMemory, injectFaults: true);
        }
    }

    private static async Task StreamAsync(MockExchange exchange, CompletionFrame frame, Reply reply)
    {
        var scenario = exchange.Scenario;
        await exchange.BeginEventStreamAsync();

        // A fault past the end of the reply still happens, just before the finish chunk, so "cutAfter=99" always cuts.
        var faults = StreamFaults.For(scenario, reply.Pieces.Count * frame.Choices);

        using var sse = new SseWriter(exchange.Http.Response.BodyWriter);
        if (frame.AzureFilters)
        {
            AzureFilterJson.WritePromptFilterChunk(sse.BeginEvent());
            sse.EndEvent();
        }

        for (var choice = 0; choice < frame.Choices; choice++)
        {
            ChatCompletionJson.WriteRoleChunk(sse.BeginEvent(), frame, reply, choice);
            sse.EndEvent();
            await exchange.FlushAsync();
        }

        var sent = 0;
        if (await faults.InjectAsync(exchange, sent))
        {
            return;
        }

        for (var piece = 0; piece < reply.Pieces.Count; piece++)
        {
            if (piece > 0)
            {
                await exchange.DelayAsync(scenario.PaceMs);
            }

            for (var choice = 0; choice < frame.Choices; choice++)
            {
                ChatCompletionJson.WritePieceChunk(sse.BeginEvent(), frame, reply, choice,
                    reply.IsToolCall ? reply.Pieces[piece] : scenario.TextPiece(reply.Pieces[piece]));
                sse.EndEvent();
                await exchange.FlushAsync();
                if (await faults.InjectAsync(exchange, ++sent))
                {
                    return;
                }
            }
        }

        for (var choice = 0; choice < frame.Choices; choice++)
        {
            ChatCompletionJson.WriteFinishChunk(sse.BeginEvent(), frame, choice, reply.FinishReason);
            sse.EndEvent();
        }

        if (frame.StreamUsage)
        {
            ChatCompletionJson.WriteUsageChunk(sse.BeginEvent(), frame);
            sse.EndEvent();
        }

        sse.WriteDone();
        await exchange.FlushAsync();
        exchange.MarkCompleted();
    }
}
