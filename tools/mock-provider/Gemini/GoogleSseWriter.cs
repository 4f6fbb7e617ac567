using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using AiMesh.MockProvider.Http;

namespace AiMesh.MockProvider.Gemini;

/// <summary>Writes <c>data: {json}\r\n\r\n</c> events as Google's <c>alt=sse</c> streams do (CRLF line ends), one reused JSON writer per stream.</summary>
internal sealed class GoogleSseWriter(PipeWriter pipe) : IDisposable
{
    private readonly Utf8JsonWriter json = new(pipe, MockJson.WriterOptions);

    public void Write<TState>(TState state, Action<Utf8JsonWriter, TState> write)
    {
        pipe.Write("data: "u8);
        json.Reset(pipe);
        write(json, state);
        json.Flush();
        pipe.Write("\r\n\r\n"u8);
    }

    public void Dispose() => json.Dispose();
}
