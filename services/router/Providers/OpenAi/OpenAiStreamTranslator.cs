using System.Text.Json;
using AiMesh.Router.Transport;

namespace AiMesh.Router.Providers.OpenAi;

/// <summary>
/// OpenAI chunks pass through untouched. The translator only watches for the end (<c>[DONE]</c>), for usage,
/// for error events, and hides the usage-only chunk the router itself asked for when the client did not.
/// </summary>
/// <param name="clientIncludeUsage">Whether the client asked for <c>stream_options.include_usage</c>.</param>
internal sealed class OpenAiStreamTranslator(bool clientIncludeUsage) : IStreamTranslator
{
    public StreamStep Translate(SseEvent sseEvent)
    {
        var data = sseEvent.Data;
        if (data.AsSpan().Trim().SequenceEqual("[DONE]"))
        {
            return StreamStep.Done();
        }

        if (sseEvent.Type == "error")
        {
            return StreamStep.Failed(ReadError(data));
        }

        // Most chunks are content deltas: only parse the ones that can carry usage or an error.
        if (!data.Contains("\"usage\"", StringComparison.Ordinal) && !data.Contains("\"error\"", StringComparison.Ordinal))
        {
            return StreamStep.Forward(data);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(data);
        }
        catch (JsonException)
        {
            // The router passes chunks through; judging their JSON is the client's business.
            return StreamStep.Forward(data);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return StreamStep.Forward(data);
            }

            var hasChoices = root.TryGetProperty("choices", out var choices)
                && choices.ValueKind == JsonValueKind.Array
                && choices.GetArrayLength() > 0;
            if (!hasChoices && root.TryGetProperty("error", out _))
            {
                return StreamStep.Failed(OpenAiErrors.Read(root));
            }

            var usage = OpenAiUsage.Read(root);
            return usage is not null && !hasChoices && !clientIncludeUsage
                ? StreamStep.Skip(usage)
                : StreamStep.Forward(data, usage);
        }
    }

    private static UpstreamError ReadError(string data)
    {
        try
        {
            using var document = JsonDocument.Parse(data);
            return OpenAiErrors.Read(document.RootElement);
        }
        catch (JsonException)
        {
            return UpstreamError.None;
        }
    }
}
