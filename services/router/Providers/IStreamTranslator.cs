using AiMesh.Router.Transport;

namespace AiMesh.Router.Providers;

/// <summary>
/// Turns the server-sent events of one streamed answer, in order, into OpenAI chat-completion chunks.
/// Stateful (one per call), pure (no I/O).
/// </summary>
internal interface IStreamTranslator
{
    StreamStep Translate(SseEvent sseEvent);
}
