using System.Text.Json;
using AiMesh.MockProvider.Http;

namespace AiMesh.MockProvider.Bedrock;

/// <summary>Encodes event payloads into frames and writes each to the response as its own flush.</summary>
internal sealed class FrameSender(MockExchange exchange)
{
    /// <summary>Frames encoded so far (it varies the padding).</summary>
    public int Count { get; private set; }

    public byte[] Encode(string eventType, Action<Utf8JsonWriter> payload)
    {
        var json = MockJson.Render(payload, static (w, write) => write(w));
        Count++;
        return EventStreamEncoder.Event(eventType, json.WrittenSpan);
    }

    public Task SendAsync(string eventType, Action<Utf8JsonWriter> payload) => SendAsync(Encode(eventType, payload));

    public async Task SendAsync(byte[] frame)
    {
        await exchange.Http.Response.BodyWriter.WriteAsync(frame, exchange.Cancellation);
        await exchange.FlushAsync();
    }

    /// <summary>Half a frame, then the connection broken: a reader must see a truncated stream, not a bad one.</summary>
    public async Task SendPartAndAbortAsync(byte[] frame)
    {
        await exchange.Http.Response.BodyWriter.WriteAsync(frame.AsMemory(0, frame.Length / 2), exchange.Cancellation);
        await exchange.FlushAsync();
        exchange.Abort();
    }
}
