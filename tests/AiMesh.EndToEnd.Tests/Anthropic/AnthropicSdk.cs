using System.Text;
using System.Text.Json;
using Anthropic;
using Anthropic.Models.Messages;

namespace AiMesh.EndToEnd.Tests.Anthropic;

/// <summary>The official Anthropic SDK pointed at the mesh, and what a test reads back from its stream.</summary>
internal static class AnthropicSdk
{
    public static AnthropicClient Client(Uri ingress, string key = Infrastructure.TestEnvironment.ClientKey, bool bearer = false) => new()
    {
        BaseUrl = ingress.ToString().TrimEnd('/'),
        ApiKey = bearer ? null : key,
        AuthToken = bearer ? key : null,
        MaxRetries = 0,
        Timeout = TimeSpan.FromSeconds(60),
    };

    public static Dictionary<string, JsonElement> Schema() => new()
    {
        ["city"] = JsonDocument.Parse("""{"type":"string"}""").RootElement.Clone(),
    };

    public static Tool WeatherTool() => new()
    {
        Name = "get_weather",
        Description = "Weather for a city",
        InputSchema = new InputSchema { Properties = Schema() },
    };

    /// <summary>Reads a whole stream through the SDK and folds it the way Anthropic's docs describe.</summary>
    public static async Task<Streamed> ReadAsync(IAsyncEnumerable<RawMessageStreamEvent> events)
    {
        var result = new Streamed();
        await foreach (var item in events)
        {
            switch (item.Value)
            {
                case RawMessageStartEvent start:
                    result.Names.Add("message_start");
                    result.Id = start.Message.ID;
                    result.Model = start.Message.Model.Raw();
                    break;
                case RawContentBlockStartEvent block:
                    result.Names.Add("content_block_start");
                    result.Blocks.Add((block.ContentBlock.Type.Raw(), new StringBuilder()));
                    if (block.ContentBlock.Value is ToolUseBlock toolUse)
                    {
                        result.ToolName = toolUse.Name;
                        result.ToolId = toolUse.ID;
                    }

                    break;
                case RawContentBlockDeltaEvent delta:
                    result.Names.Add("content_block_delta");
                    var text = result.Blocks[(int)delta.Index].Text;
                    switch (delta.Delta.Value)
                    {
                        case TextDelta t:
                            text.Append(t.Text);
                            break;
                        case InputJsonDelta j:
                            text.Append(j.PartialJson);
                            break;
                        case ThinkingDelta th:
                            text.Append(th.Thinking);
                            break;
                        case SignatureDelta s:
                            result.Signature += s.Signature;
                            break;
                    }

                    break;
                case RawContentBlockStopEvent:
                    result.Names.Add("content_block_stop");
                    break;
                case RawMessageDeltaEvent messageDelta:
                    result.Names.Add("message_delta");
                    result.StopReason = messageDelta.Delta.StopReason?.Raw();
                    result.OutputTokens = messageDelta.Usage.OutputTokens;
                    result.InputTokens = messageDelta.Usage.InputTokens;
                    break;
                case RawMessageStopEvent:
                    result.Names.Add("message_stop");
                    break;
            }
        }

        return result;
    }

    internal sealed class Streamed
    {
        public List<string> Names { get; } = [];

        public List<(string Type, StringBuilder Text)> Blocks { get; } = [];

        public string? Id { get; set; }

        public string? Model { get; set; }

        public string? StopReason { get; set; }

        public long OutputTokens { get; set; }

        public long? InputTokens { get; set; }

        public string? ToolName { get; set; }

        public string? ToolId { get; set; }

        public string Signature { get; set; } = "";
    }
}
