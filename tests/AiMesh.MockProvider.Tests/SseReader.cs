using System.Text.Json;

namespace AiMesh.MockProvider.Tests;

/// <summary>Reads server-sent events one <c>data:</c> payload at a time, as a client consuming a stream would.</summary>
public sealed class SseReader(Stream stream) : IDisposable
{
    public const string Done = "[DONE]";

    private readonly StreamReader _reader = new(stream);

    /// <summary>The next event's data, or null at the end of the stream.</summary>
    public async Task<string?> NextAsync(CancellationToken ct = default)
    {
        while (await _reader.ReadLineAsync(ct) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                return line["data: ".Length..];
            }

            Assert.True(line.Length == 0, $"Unexpected SSE line: {line}");
        }

        return null;
    }

    /// <summary>All events to the end; the last is <see cref="Done"/> for a complete stream.</summary>
    public async Task<List<string>> ReadAllAsync()
    {
        var events = new List<string>();
        while (await NextAsync() is { } data)
        {
            events.Add(data);
        }

        return events;
    }

    public static JsonElement Parse(string data) => JsonDocument.Parse(data).RootElement.Clone();

    public void Dispose() => _reader.Dispose();
}
