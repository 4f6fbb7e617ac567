namespace AiMesh.Router.Transport;

/// <summary>
/// Turns the bytes of a streamed answer, fed as they arrive and split anywhere, into events for the adapter's
/// <see cref="Providers.IStreamTranslator"/>. Server-sent events (<see cref="SseParser"/>) for most providers;
/// an adapter whose provider frames its stream otherwise brings its own (see
/// <see cref="Providers.IProviderAdapter.CreateStreamDecoder"/>). Pure: no I/O, one instance per stream.
/// </summary>
internal interface IStreamDecoder
{
    /// <summary>Decodes <paramref name="bytes"/> and adds every event they complete to <paramref name="events"/>.</summary>
    /// <exception cref="InvalidDataException">The stream is malformed or one event exceeds the decoder's bound.</exception>
    void Feed(ReadOnlySpan<byte> bytes, ICollection<SseEvent> events);
}
