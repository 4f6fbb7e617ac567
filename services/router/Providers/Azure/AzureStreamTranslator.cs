using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AiMesh.Router.Providers.OpenAi;
using AiMesh.Router.Transport;

namespace AiMesh.Router.Providers.Azure;

/// <summary>
/// Azure streams OpenAI's chunks; <see cref="OpenAiStreamTranslator"/> decides what each event means (the end at
/// <c>[DONE]</c>, usage, error events, hiding the usage chunk the client did not ask for), and this translator then
/// cleans what is forwarded (<see cref="AzureAnswers"/>) and reads errors with Azure's codes (<see cref="AzureErrors"/>).
/// A chunk that is not a JSON object fails the call: it cannot be cleaned, so it cannot be passed on as OpenAI's.
/// </summary>
internal sealed class AzureStreamTranslator(bool clientIncludeUsage, string publicModel) : IStreamTranslator
{
    private static readonly UpstreamError Unreadable = new("The provider sent a stream event the router could not read.", null, null);

    private readonly OpenAiStreamTranslator inner = new(clientIncludeUsage);

    public StreamStep Translate(SseEvent sseEvent)
    {
        var step = inner.Translate(sseEvent);
        return step.Kind switch
        {
            StreamStepKind.Failed => StreamStep.Failed(ReadError(sseEvent.Data, step.Error)),
            StreamStepKind.Forward => Clean(step),
            _ => step,
        };
    }

    private static UpstreamError ReadError(string data, UpstreamError? fallback)
    {
        var error = AzureErrors.Read(Encoding.UTF8.GetBytes(data));
        return ReferenceEquals(error, UpstreamError.None) ? fallback ?? UpstreamError.None : error;
    }

    private StreamStep Clean(StreamStep step)
    {
        try
        {
            if (JsonNode.Parse(step.Chunk!) is not JsonObject chunk)
            {
                // Unlike a pass-through, this chunk is rewritten: what cannot be read cannot be sent on as OpenAI's.
                return StreamStep.Failed(Unreadable);
            }

            return AzureAnswers.Clean(chunk, publicModel)
                ? StreamStep.Forward(chunk.ToJsonString(ProviderJson.SerializerOptions), step.Usage)
                : StreamStep.Skip(step.Usage);
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            return StreamStep.Failed(Unreadable);
        }
    }
}
