using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using AiMesh.MockProvider.Http;

namespace AiMesh.MockProvider.Chat;

/// <summary>Writes <c>data: {json}\n\n</c> events (optionally named) straight into the response pipe, one reused JSON writer per stream.</summary>
internal sealed class SseWriter(PipeWriter pipe) : IDisposable
{
    private readonly Utf8JsonWriter _json = new(pipe, MockJson.WriterOptions);

    public Utf8JsonWriter BeginEvent()
    {
        pipe.Write("data: "u8);
        _json.Reset(pipe);
        return _json;
    }

    /// <summary>An event with an <c>event:</c> name, as Anthropic names every event of its streams.</summary>
    public Utf8JsonWriter BeginEvent(string name)
    {
        pipe.Write("event: "u8);
        pipe.Write(Encoding.UTF8.GetBytes(name));
        pipe.Write("\n"u8);
        return BeginEvent();
    }

    public void EndEvent()
    {
        _json.Flush();
        pipe.Write("\n\n"u8);
    }

    public void WriteDone() => pipe.Write("data: [DONE]\n\n"u8);

    public void Dispose() => _json.Dispose();
}
