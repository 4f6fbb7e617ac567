using AiMesh.MockProvider.Scenarios;

namespace AiMesh.MockProvider.Chat;

/// <summary>Decides the deterministic answer to a chat request: echo, canned sentence, JSON or a tool call.</summary>
internal static class ReplyPlanner
{
    private const string EchoPrefix = "echo:";

    private static readonly string[] SentenceWords =
        Words.Split("This is a deterministic reply from the AiMesh mock provider and it repeats as needed");

    // Streamed tokens after the first carry their leading space; built once so a reply costs one array.
    private static readonly string[] SpacedSentenceWords = [.. SentenceWords.Select(w => " " + w)];

    private static readonly string[] JsonPieces = ["{\"mock\"", ":", "true}"];

    public static Reply Plan(ChatRequest request, Scenario scenario)
    {
        if (CallsTool(request))
        {
            return new Reply(JsonPieces, request.NamedTool ?? request.FirstToolName, scenario.Finish ?? "tool_calls");
        }

        var pieces = request.JsonMode ? JsonPieces
            : request.LastUserText.StartsWith(EchoPrefix, StringComparison.Ordinal) ? Echo(request.LastUserText[EchoPrefix.Length..])
            : Canned(scenario.Tokens);
        var finish = "stop";
        if (request.MaxTokens is { } max && max < pieces.Length)
        {
            pieces = pieces[..max];
            finish = "length";
        }

        return new Reply(pieces, null, scenario.Finish ?? finish);
    }

    private static bool CallsTool(ChatRequest request) =>
        request.FirstToolName is not null && request.ToolChoice switch
        {
            ToolChoice.Required or ToolChoice.Named => true,
            ToolChoice.Auto => request.LastUserText.Contains("use a tool", StringComparison.OrdinalIgnoreCase),
            _ => false,
        };

    private static string[] Echo(string rest)
    {
        var words = Words.Split(rest);
        for (var i = 1; i < words.Length; i++)
        {
            words[i] = " " + words[i];
        }

        return words;
    }

    private static string[] Canned(int tokens)
    {
        var pieces = new string[tokens];
        for (var i = 0; i < tokens; i++)
        {
            var word = i % SentenceWords.Length;
            pieces[i] = i == 0 ? SentenceWords[word] : SpacedSentenceWords[word];
        }

        return pieces;
    }
}
