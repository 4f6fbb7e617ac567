namespace AiMesh.Router.Transport;

/// <summary>A chunk could not reach the ingress: the stream is broken on the gateway's side, not the provider's.</summary>
internal sealed class ChunkSinkException(string message, Exception? inner = null) : Exception(message, inner);
