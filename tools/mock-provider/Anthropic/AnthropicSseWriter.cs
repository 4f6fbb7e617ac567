using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using AiMesh.MockProvider.Http;

namespace AiMesh.MockProvider.Anthropic;

/// <summary>Writes <c>event: {name}\ndata: {json}\n\n</c>, the framing Anthropic uses (every event named), into the response pipe.</summary>
internal sealed class AnthropicSseWriter(PipeWriter pipe) : IDisposable
{
    private readonly Utf8JsonWriter _json = new(pipe, MockJson.WriterOptions);

    public Utf8JsonWriter BeginEvent(string name)
    {
        pipe.Write("event: "u8);
        pipe.Write(Encoding.UTF8.GetBytes(name));
        pipe.Write("\ndata: "u8);
        _json.Reset(pipe);
        return _json;
    }

    public void EndEvent()
    {
        _json.Flush();
        pipe.Write("\n\n"u8);
    }

    public void Dispose() => _json.Dispose();
}
