using System.Text.Json;
using AiMesh.MockProvider.Chat;

namespace AiMesh.MockProvider.Gemini;

/// <summary>
/// Gemini's <c>GenerateContentResponse</c>, whole or as one streamed event: <c>candidates</c> with <c>content.parts</c>,
/// <c>finishReason</c> and <c>index</c>, then <c>usageMetadata</c>, <c>modelVersion</c> and <c>responseId</c>. A
/// function call is sent whole with its thought signature, as Gemini does.
/// </summary>
internal static class GeminiResponseJson
{
    /// <summary>The whole answer: every candidate's text in one part, or its function call.</summary>
    public static void WriteWhole(Utf8JsonWriter w, (GeminiFrame Frame, Reply Reply) state)
    {
        var (frame, reply) = state;
        WriteEvent(w, frame, reply, reply.Text, Finish(reply), last: true);
    }

    /// <summary>One streamed event: <paramref name="piece"/> for every candidate, and on the last one the finish and the full usage.</summary>
    public static void WriteEvent(Utf8JsonWriter w, GeminiFrame frame, Reply reply, string piece, string? finishReason, bool last)
    {
        w.WriteStartObject();
        w.WriteStartArray("candidates");
        for (var i = 0; i < frame.Candidates; i++)
        {
            w.WriteStartObject();
            w.WriteStartObject("content");
            w.WriteStartArray("parts");
            w.WriteStartObject();
            if (reply.IsToolCall)
            {
                w.WriteStartObject("functionCall");
                w.WriteString("name", reply.ToolName);
                w.WritePropertyName("args");
                w.WriteRawValue(reply.Text);
                w.WriteEndObject();
                w.WriteString("thoughtSignature", GeminiFrame.ThoughtSignature);
            }
            else
            {
                w.WriteString("text", piece);
            }

            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteString("role", "model");
            w.WriteEndObject();
            if (finishReason is not null)
            {
                w.WriteString("finishReason", finishReason);
            }

            // Proto JSON leaves out default values, a zero index among them.
            if (i > 0)
            {
                w.WriteNumber("index", i);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        WriteTail(w, frame, last);
        w.WriteEndObject();
    }

    /// <summary>A prompt the safety system blocked: no candidates, only the feedback.</summary>
    public static void WriteBlocked(Utf8JsonWriter w, GeminiFrame frame)
    {
        w.WriteStartObject();
        w.WriteStartObject("promptFeedback");
        w.WriteString("blockReason", "SAFETY");
        w.WriteStartArray("safetyRatings");
        w.WriteStartObject();
        w.WriteString("category", "HARM_CATEGORY_DANGEROUS_CONTENT");
        w.WriteString("probability", "HIGH");
        w.WriteBoolean("blocked", true);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
        WriteTail(w, frame with { CompletionTokens = 0, ThoughtTokens = 0 }, last: true);
        w.WriteEndObject();
    }

    /// <summary>Gemini's finish reason for the planned reply; a scenario's <c>finish</c> is taken as a Gemini reason (SAFETY…).</summary>
    public static string Finish(Reply reply) => reply.FinishReason switch
    {
        "stop" or "tool_calls" => "STOP",
        "length" => "MAX_TOKENS",
        var other => other,
    };

    private static void WriteTail(Utf8JsonWriter w, GeminiFrame frame, bool last)
    {
        if (frame.SendUsage)
        {
            // Streamed events before the last one know only the prompt's size.
            w.WriteStartObject("usageMetadata");
            w.WriteNumber("promptTokenCount", frame.PromptTokens);
            if (last)
            {
                w.WriteNumber("candidatesTokenCount", frame.CompletionTokens);
                if (frame.ThoughtTokens > 0)
                {
                    w.WriteNumber("thoughtsTokenCount", frame.ThoughtTokens);
                }
            }

            w.WriteNumber("totalTokenCount", frame.PromptTokens + (last ? frame.CompletionTokens + frame.ThoughtTokens : 0));
            w.WriteEndObject();
        }

        w.WriteString("modelVersion", frame.Model);
        w.WriteString("responseId", frame.ResponseId);
    }
}
