using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using AiMesh.MockProvider.Http;

namespace AiMesh.MockProvider.Chat;

/// <summary>Writes <c>data: {json}\n\n</c> events (optionally named) straight into the response pipe, one reused JSON writer per stream.</summary>
/// <param name="crlf">End lines with CRLF, as Google's <c>alt=sse</c> streams do.</param>
internal sealed class SseWriter(PipeWriter pipe, bool crlf = false) : IDisposable
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
        pipe.Write(crlf ? "\r\n\r\n"u8 : "\n\n"u8);
    }

    public void WriteDone() => pipe.Write("data: [DONE]\n\n"u8);

    public void Dispose() => _json.Dispose();
}
