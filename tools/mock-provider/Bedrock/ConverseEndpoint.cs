using AiMesh.MockProvider.Chat;
using AiMesh.MockProvider.Http;

namespace AiMesh.MockProvider.Bedrock;

/// <summary>
/// <c>POST /model/{id}/converse</c> and <c>/converse-stream</c>: the planner's reply as a Converse answer, or as an
/// event stream (messageStart, [contentBlockStart for a tool], contentBlockDelta per piece, contentBlockStop,
/// messageStop, metadata) with the scenario's pacing and faults. <c>cutAfter</c> sends half of the next frame
/// before breaking the connection, so a reader sees a frame cut in the middle; <c>streamError</c> sends that
/// exception event after the content instead of the stop.
/// </summary>
internal static class ConverseEndpoint
{
    public const string EventStreamType = "application/vnd.amazon.eventstream";

    public static async Task HandleAsync(MockExchange exchange, ReadOnlyMemory<byte> body, string modelId, bool stream)
    {
        if (!ConverseRequestReader.TryRead(body, modelId, stream, out var request, out var error))
        {
            await error!.SendAsync(exchange);
            return;
        }

        var scenario = exchange.Scenario;
        var reply = ReplyPlanner.Plan(request, scenario);
        exchange.Http.Response.Headers["x-amzn-RequestId"] = "mock-request-" + exchange.State.NextCompletionNumber();
        if (!stream)
        {
            var json = MockJson.Render((reply, request.PromptTokens, !scenario.NoUsage), ConverseJson.WriteAnswer);
            await exchange.SendJsonAsync(StatusCodes.Status200OK, json.WrittenMemory, injectFaults: true);
            return;
        }

        await StreamAsync(exchange, request, reply);
    }

    private static async Task StreamAsync(MockExchange exchange, ChatRequest request, Reply reply)
    {
        var scenario = exchange.Scenario;
        var response = exchange.Http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = EventStreamType;
        await exchange.FlushAsync();
        await exchange.DelayAsync(scenario.TtftMs);

        var contentChunks = reply.Pieces.Count;
        var cutAt = scenario.CutAfter is { } cut ? Math.Min(cut, contentChunks) : -1;
        var stallAt = scenario.StallAfter is { } stall ? Math.Min(stall, contentChunks) : -1;
        var frames = new FrameSender(exchange);
        await frames.SendAsync("messageStart", w => ConverseJson.WriteMessageStart(w, frames.Count));
        if (reply.IsToolCall)
        {
            await frames.SendAsync("contentBlockStart", w => ConverseJson.WriteToolStart(w, frames.Count, reply.ToolName!));
        }

        for (var piece = 0; piece <= contentChunks; piece++)
        {
            if (piece == stallAt)
            {
                await exchange.StallAsync();
            }

            var last = piece == contentChunks;
            var next = last
                ? frames.Encode("contentBlockStop", w => ConverseJson.WriteBlockStop(w, frames.Count))
                : frames.Encode("contentBlockDelta", w => ConverseJson.WriteDelta(w, frames.Count, reply.Pieces[piece], reply.IsToolCall));
            if (piece == cutAt)
            {
                await frames.SendPartAndAbortAsync(next);
                return;
            }

            if (piece > 0 && !last)
            {
                await exchange.DelayAsync(scenario.PaceMs);
            }

            await frames.SendAsync(next);
        }

        if (scenario.StreamError is { } exception)
        {
            await frames.SendAsync(EventStreamEncoder.Exception(exception,
                MockJson.Render("Mock scenario: the stream failed.", AwsError.WritePayload).WrittenSpan));
        }
        else
        {
            await frames.SendAsync("messageStop", w => ConverseJson.WriteMessageStop(w, frames.Count, ConverseJson.StopReason(reply.FinishReason)));
            await frames.SendAsync("metadata", w => ConverseJson.WriteMetadata(w, frames.Count, request.PromptTokens, contentChunks, !scenario.NoUsage));
        }

        exchange.MarkCompleted();
    }
}
