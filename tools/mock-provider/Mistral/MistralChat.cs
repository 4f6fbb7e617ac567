using System.Globalization;
using AiMesh.MockProvider.Chat;
using AiMesh.MockProvider.Http;
using AiMesh.MockProvider.Scenarios;

namespace AiMesh.MockProvider.Mistral;

/// <summary>
/// <c>POST /mistral/v1/chat/completions</c>: the shared planner's reply (<see cref="ReplyPlanner"/>) in Mistral's
/// shapes (<see cref="MistralChatJson"/>), whole or streamed, with the scenario's pacing and faults: <c>cutAfter</c>
/// and <c>stallAfter</c> count content chunks (a tool call is one; the last one carries the finish reason, so a fault
/// past the content falls between it and <c>[DONE]</c>), <c>errorAfter</c> ends the stream with Mistral's
/// error object as a <c>data:</c> event, <c>finish</c> takes Mistral's reasons (<c>model_length</c>, <c>error</c>).
/// The last user text <c>toolong:</c> is refused as Mistral refuses a prompt beyond the model's context.
/// </summary>
internal static class MistralChat
{
    public static async Task HandleAsync(MockExchange exchange, ReadOnlyMemory<byte> body)
    {
        if (MistralRequestReader.TryRead(body, MistralRequestReader.ChatMembers, out var refused) is not { } openAiBody)
        {
            await refused!.SendAsync(exchange);
            return;
        }

        if (!ChatRequestReader.TryRead(openAiBody, out var request, out var error))
        {
            await MistralError.Invalid(error!.Message).SendAsync(exchange);
            return;
        }

        if (request.LastUserText.StartsWith("toolong:", StringComparison.Ordinal))
        {
            await MistralError.ContextLength().SendAsync(exchange);
            return;
        }

        var scenario = exchange.Scenario;
        var reply = ReplyPlanner.Plan(request, scenario);
        var number = exchange.State.NextCompletionNumber();
        // Mistral has no stream_options (the reader refuses it): its usage rides on the finish chunk, never apart.
        var frame = CompletionFrame.For("cmpl" + number.ToString("x28", CultureInfo.InvariantCulture), request, reply, scenario);
        if (request.Stream)
        {
            await StreamAsync(exchange, frame, reply);
        }
        else
        {
            var json = MockJson.Render((frame, reply), MistralChatJson.WriteCompletion);
            await exchange.SendJsonAsync(StatusCodes.Status200OK, json.WrittenMemory, injectFaults: true);
        }
    }

    private static async Task StreamAsync(MockExchange exchange, CompletionFrame frame, Reply reply)
    {
        var scenario = exchange.Scenario;
        await exchange.BeginEventStreamAsync();
        var pieces = reply.IsToolCall ? [reply.Text] : reply.Pieces;
        var faults = StreamFaults.For(scenario, pieces.Count * frame.Choices);

        using var sse = new SseWriter(exchange.Http.Response.BodyWriter);
        for (var choice = 0; choice < frame.Choices; choice++)
        {
            MistralChatJson.WriteRoleChunk(sse.BeginEvent(), frame, choice);
            sse.EndEvent();
        }

        await exchange.FlushAsync();
        var sent = 0;
        if (await faults.InjectAsync(exchange, sent, () => WriteError(sse, scenario.ErrorStatus)))
        {
            return;
        }

        for (var piece = 0; piece < pieces.Count; piece++)
        {
            if (piece > 0)
            {
                await exchange.DelayAsync(scenario.PaceMs);
            }

            // Mistral sends the finish reason (and, on the last event, the usage) with a choice's last content.
            var finish = piece == pieces.Count - 1 ? reply.FinishReason : null;
            for (var choice = 0; choice < frame.Choices; choice++)
            {
                MistralChatJson.WritePieceChunk(sse.BeginEvent(), frame, reply, choice, pieces[piece], finish, last: finish is not null && choice == frame.Choices - 1);
                sse.EndEvent();
                await exchange.FlushAsync();
                if (await faults.InjectAsync(exchange, ++sent, () => WriteError(sse, scenario.ErrorStatus)))
                {
                    return;
                }
            }
        }

        if (pieces.Count == 0)
        {
            // An empty answer has no content to carry the finish: it comes alone, with an empty content.
            for (var choice = 0; choice < frame.Choices; choice++)
            {
                MistralChatJson.WriteFinishChunk(sse.BeginEvent(), frame, choice, reply.FinishReason, last: choice == frame.Choices - 1);
                sse.EndEvent();
            }
        }

        sse.WriteDone();
        await exchange.FlushAsync();
        exchange.MarkCompleted();
    }

    /// <summary>Mistral's error object as a <c>data:</c> event (default: its 503).</summary>
    private static void WriteError(SseWriter sse, int? status)
    {
        MistralError.ForStatus(status ?? StatusCodes.Status503ServiceUnavailable).Write(sse.BeginEvent());
        sse.EndEvent();
    }
}
