using AiMesh.MockProvider.Chat;
using AiMesh.MockProvider.Http;
using AiMesh.MockProvider.Scenarios;

namespace AiMesh.MockProvider.Anthropic;

/// <summary>
/// Streams one answer as Anthropic does: <c>message_start</c>; per block <c>content_block_start</c>, its deltas,
/// <c>content_block_stop</c> (a <c>ping</c> after the first start, as in Anthropic's examples); <c>message_delta</c>
/// with the stop reason and usage; <c>message_stop</c>. A fault past the end of the content happens just before
/// <c>message_delta</c>, so <c>cutAfter=99</c> always cuts.
/// </summary>
internal static class AnthropicMessageStream
{
    public static async Task SendAsync(MockExchange exchange, AnthropicAnswer answer)
    {
        var scenario = exchange.Scenario;
        await exchange.BeginEventStreamAsync();

        var deltas = answer.Thinking.Count + answer.Pieces.Count;
        var faults = StreamFaults.For(scenario, deltas);

        using var sse = new SseWriter(exchange.Http.Response.BodyWriter);
        AnthropicMessageJson.WriteMessageStart(sse.BeginEvent("message_start"), answer);
        sse.EndEvent();
        await exchange.FlushAsync();
        var sent = 0;
        if (await faults.InjectAsync(exchange, sent, () => WriteError(exchange, sse)))
        {
            return;
        }

        var index = 0;
        if (answer.Thinking.Count > 0)
        {
            AnthropicMessageJson.WriteThinkingStart(sse.BeginEvent("content_block_start"), index);
            sse.EndEvent();
            WritePing(sse);
            foreach (var piece in answer.Thinking)
            {
                AnthropicMessageJson.WriteDelta(sse.BeginEvent("content_block_delta"), index, "thinking_delta", "thinking", piece);
                sse.EndEvent();
                await exchange.FlushAsync();
                if (await faults.InjectAsync(exchange, ++sent, () => WriteError(exchange, sse)))
                {
                    return;
                }
            }

            AnthropicMessageJson.WriteDelta(sse.BeginEvent("content_block_delta"), index, "signature_delta", "signature", answer.Signature);
            sse.EndEvent();
            AnthropicMessageJson.WriteBlockStop(sse.BeginEvent("content_block_stop"), index);
            sse.EndEvent();
            index++;
        }

        AnthropicMessageJson.WriteContentStart(sse.BeginEvent("content_block_start"), index, answer);
        sse.EndEvent();
        if (index == 0)
        {
            WritePing(sse);
        }

        if (answer.IsToolUse)
        {
            // Anthropic opens a tool's input with an empty piece.
            AnthropicMessageJson.WriteDelta(sse.BeginEvent("content_block_delta"), index, "input_json_delta", "partial_json", "");
            sse.EndEvent();
        }

        await exchange.FlushAsync();
        for (var piece = 0; piece < answer.Pieces.Count; piece++)
        {
            if (piece > 0)
            {
                await exchange.DelayAsync(scenario.PaceMs);
            }

            if (answer.IsToolUse)
            {
                AnthropicMessageJson.WriteDelta(sse.BeginEvent("content_block_delta"), index, "input_json_delta", "partial_json", answer.Pieces[piece]);
            }
            else
            {
                AnthropicMessageJson.WriteDelta(sse.BeginEvent("content_block_delta"), index, "text_delta", "text", scenario.TextPiece(answer.Pieces[piece]));
            }

            sse.EndEvent();
            await exchange.FlushAsync();
            if (await faults.InjectAsync(exchange, ++sent, () => WriteError(exchange, sse)))
            {
                return;
            }
        }

        AnthropicMessageJson.WriteBlockStop(sse.BeginEvent("content_block_stop"), index);
        sse.EndEvent();
        AnthropicMessageJson.WriteMessageDelta(sse.BeginEvent("message_delta"), answer);
        sse.EndEvent();
        AnthropicMessageJson.WriteTypeOnly(sse.BeginEvent("message_stop"), "message_stop");
        sse.EndEvent();
        await exchange.FlushAsync();
        exchange.MarkCompleted();
    }

    private static void WritePing(SseWriter sse)
    {
        AnthropicMessageJson.WriteTypeOnly(sse.BeginEvent("ping"), "ping");
        sse.EndEvent();
    }

    /// <summary>Anthropic's in-stream <c>error</c> event, of the scenario's <c>errorStatus</c> (default: overloaded).</summary>
    private static void WriteError(MockExchange exchange, SseWriter sse)
    {
        var error = AnthropicError.ForStatus(exchange.Scenario.ErrorStatus ?? 529);
        AnthropicError.Write(sse.BeginEvent("error"), error, requestId: null);
        sse.EndEvent();
    }
}
