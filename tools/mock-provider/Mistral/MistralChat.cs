using System.Globalization;
using AiMesh.MockProvider.Chat;
using AiMesh.MockProvider.Http;

namespace AiMesh.MockProvider.Mistral;

/// <summary>
/// <c>POST /mistral/v1/chat/completions</c>: the shared planner's reply (<see cref="ReplyPlanner"/>) in Mistral's
/// shapes (<see cref="MistralChatJson"/>), whole or streamed, with the scenario's pacing and faults: <c>cutAfter</c>
/// and <c>stallAfter</c> count content chunks (a tool call is one), <c>errorAfter</c> ends the stream with Mistral's
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
        var frame = new CompletionFrame(
            Id: "cmpl" + number.ToString("x28", CultureInfo.InvariantCulture),
            Created: DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            Model: request.Model,
            Choices: request.Choices,
            PromptTokens: request.PromptTokens,
            CompletionTokens: reply.Pieces.Count * request.Choices,
            SendUsage: !scenario.NoUsage,
            StreamUsage: false);
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
        var contentChunks = pieces.Count * frame.Choices;
        var faults = new Faults(
            scenario.CutAfter is { } cut ? Math.Min(cut, contentChunks) : -1,
            scenario.StallAfter is { } stall ? Math.Min(stall, contentChunks) : -1,
            scenario.ErrorAfter is { } failAt ? Math.Min(failAt, contentChunks) : -1);

        using var sse = new SseWriter(exchange.Http.Response.BodyWriter);
        for (var choice = 0; choice < frame.Choices; choice++)
        {
            MistralChatJson.WriteRoleChunk(sse.BeginEvent(), frame, choice);
            sse.EndEvent();
        }

        await exchange.FlushAsync();
        var sent = 0;
        if (await InjectFaultAsync(exchange, sse, faults, sent))
        {
            return;
        }

        for (var piece = 0; piece < pieces.Count; piece++)
        {
            if (piece > 0)
            {
                await exchange.DelayAsync(scenario.PaceMs);
            }

            for (var choice = 0; choice < frame.Choices; choice++)
            {
                MistralChatJson.WritePieceChunk(sse.BeginEvent(), frame, reply, choice, pieces[piece]);
                sse.EndEvent();
                await exchange.FlushAsync();
                if (await InjectFaultAsync(exchange, sse, faults, ++sent))
                {
                    return;
                }
            }
        }

        for (var choice = 0; choice < frame.Choices; choice++)
        {
            MistralChatJson.WriteFinishChunk(sse.BeginEvent(), frame, choice, reply.FinishReason, last: choice == frame.Choices - 1);
            sse.EndEvent();
        }

        sse.WriteDone();
        await exchange.FlushAsync();
        exchange.MarkCompleted();
    }

    /// <summary>Stalls, cuts (true) or ends with an error event (true) once <paramref name="sent"/> content chunks are out.</summary>
    private static async Task<bool> InjectFaultAsync(MockExchange exchange, SseWriter sse, Faults faults, int sent)
    {
        if (sent == faults.StallAt)
        {
            await exchange.StallAsync();
        }

        if (sent == faults.CutAt)
        {
            exchange.Abort();
            return true;
        }

        if (sent == faults.ErrorAt)
        {
            MistralError.ForStatus(exchange.Scenario.ErrorStatus ?? 503).Write(sse.BeginEvent());
            sse.EndEvent();
            await exchange.FlushAsync();
            exchange.MarkCompleted();
            return true;
        }

        return false;
    }

    private readonly record struct Faults(int CutAt, int StallAt, int ErrorAt);
}
