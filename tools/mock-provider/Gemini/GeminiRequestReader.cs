using System.Text;
using System.Text.Json;
using AiMesh.MockProvider.Chat;

namespace AiMesh.MockProvider.Gemini;

/// <summary>
/// Reads a <c>generateContent</c> body and refuses what Google refuses, with Google's wording: unknown members
/// ("Invalid JSON payload received. Unknown name …"), empty or role-less turns, parts of unknown kinds, both a schema and
/// a JSON schema, a response schema without the JSON MIME type. Strictness is the point: an adapter that sends a field
/// Gemini does not know fails here as it would in production.
/// </summary>
internal static class GeminiRequestReader
{
    private const string BlockPrefix = "block:";
    private const string FailPrefix = "fail:";
    private const string TooLongPrefix = "toolong:";

    private static readonly HashSet<string> RequestMembers = new(StringComparer.Ordinal)
    {
        "contents", "systemInstruction", "tools", "toolConfig", "generationConfig", "safetySettings", "cachedContent", "labels",
    };

    private static readonly HashSet<string> GenerationMembers = new(StringComparer.Ordinal)
    {
        "stopSequences", "responseMimeType", "responseSchema", "responseJsonSchema", "candidateCount", "maxOutputTokens",
        "temperature", "topP", "topK", "seed", "presencePenalty", "frequencyPenalty", "responseLogprobs", "logprobs",
        "thinkingConfig", "responseModalities", "mediaResolution",
    };

    private static readonly HashSet<string> PartMembers = new(StringComparer.Ordinal)
    {
        "text", "inlineData", "fileData", "functionCall", "functionResponse", "thought", "thoughtSignature",
        "executableCode", "codeExecutionResult", "videoMetadata",
    };

    public static bool TryRead(ReadOnlyMemory<byte> body, GoogleRoute route, out GeminiGenerateRequest request, out GoogleError? error)
    {
        request = null!;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            error = GoogleError.InvalidArgument("Invalid JSON payload received.");
            return false;
        }

        using (document)
        {
            return TryRead(document.RootElement, route, out request, out error);
        }
    }

    private static bool TryRead(JsonElement root, GoogleRoute route, out GeminiGenerateRequest request, out GoogleError? error)
    {
        request = null!;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = GoogleError.InvalidArgument("Invalid JSON payload received. Expected an object.");
            return false;
        }

        error = Unknown(root, RequestMembers, "")
            ?? (root.TryGetProperty("generationConfig", out var generation) ? Generation(generation) : null);
        if (error is not null)
        {
            return false;
        }

        var prompt = new StringBuilder();
        if (root.TryGetProperty("systemInstruction", out var system) && !TryReadParts(system, "system_instruction", prompt, out _, out error))
        {
            return false;
        }

        if (!root.TryGetProperty("contents", out var contents) || contents.ValueKind != JsonValueKind.Array || contents.GetArrayLength() == 0)
        {
            error = GoogleError.InvalidArgument("* GenerateContentRequest.contents: contents is not specified");
            return false;
        }

        var lastUserText = "";
        var endsWithResult = false;
        var index = 0;
        foreach (var content in contents.EnumerateArray())
        {
            var role = content.ValueKind == JsonValueKind.Object && content.TryGetProperty("role", out var r) ? Text(r) : "user";
            if (role is not ("user" or "model"))
            {
                error = GoogleError.InvalidArgument($"Please use a valid role: user, model. (contents[{index}])");
                return false;
            }

            var text = new StringBuilder();
            if (!TryReadParts(content, $"contents[{index}]", text, out var hasResult, out error)
                || (role == "model" && RequiresSignatures(route.Model) && MissingSignature(content, index) is { } missing && (error = missing) is not null))
            {
                return false;
            }

            prompt.Append(' ').Append(text);
            if (role == "user")
            {
                endsWithResult = hasResult;
                if (text.Length > 0)
                {
                    lastUserText = text.ToString();
                }
            }

            index++;
        }

        var (firstTool, choice, named) = Tools(root);
        var config = root.TryGetProperty("generationConfig", out var g) ? g : default;
        request = new GeminiGenerateRequest(
            new ChatRequest(
                route.Model,
                route.Method == GoogleMethod.StreamGenerateContent,
                IncludeUsage: false,
                Choices: Int(config, "candidateCount") ?? 1,
                MaxTokens: Int(config, "maxOutputTokens"),
                PromptTokens: Math.Max(1, Words.Count(prompt.ToString())),
                LastUserText: lastUserText,
                // After a tool's result the model answers in words, as a real one would, instead of calling again.
                FirstToolName: endsWithResult ? null : firstTool,
                ToolChoice: choice,
                NamedTool: named,
                JsonMode: config.ValueKind == JsonValueKind.Object && config.TryGetProperty("responseMimeType", out var mime) && mime.ValueEquals("application/json")),
            lastUserText.StartsWith(BlockPrefix, StringComparison.Ordinal),
            lastUserText.StartsWith(FailPrefix, StringComparison.Ordinal) ? FailCode(lastUserText[FailPrefix.Length..]) : null,
            lastUserText.StartsWith(TooLongPrefix, StringComparison.Ordinal),
            config.ValueKind == JsonValueKind.Object && config.TryGetProperty("thinkingConfig", out var thinking)
                && Int(thinking, "thinkingBudget") is > 0 ? 2 : 0);
        return true;
    }

    /// <summary>Gemini 3 models refuse a history whose function calls lost the thought signature they came with.</summary>
    private static bool RequiresSignatures(string model) => model.StartsWith("gemini-3", StringComparison.Ordinal);

    private static GoogleError? MissingSignature(JsonElement content, int index)
    {
        foreach (var part in content.GetProperty("parts").EnumerateArray())
        {
            if (part.TryGetProperty("functionCall", out _) && !part.TryGetProperty("thoughtSignature", out _))
            {
                return GoogleError.InvalidArgument(
                    $"Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly (contents[{index}]).");
            }
        }

        return null;
    }

    private static GoogleError? Generation(JsonElement generation)
    {
        if (generation.ValueKind != JsonValueKind.Object)
        {
            return GoogleError.InvalidArgument("Invalid value at 'generation_config'.");
        }

        if (Unknown(generation, GenerationMembers, "generation_config") is { } unknown)
        {
            return unknown;
        }

        var schema = generation.TryGetProperty("responseSchema", out _);
        if (schema && generation.TryGetProperty("responseJsonSchema", out _))
        {
            return GoogleError.InvalidArgument("responseSchema and responseJsonSchema cannot both be set.");
        }

        if ((schema || generation.TryGetProperty("responseJsonSchema", out _))
            && !(generation.TryGetProperty("responseMimeType", out var mime) && mime.ValueEquals("application/json")))
        {
            return GoogleError.InvalidArgument("A response schema needs responseMimeType application/json.");
        }

        return Int(generation, "candidateCount") is < 1 or > 8
            ? GoogleError.InvalidArgument("candidateCount must be between 1 and 8.")
            : null;
    }

    private static bool TryReadParts(JsonElement content, string at, StringBuilder text, out bool hasResult, out GoogleError? error)
    {
        hasResult = false;
        error = null;
        if (content.ValueKind != JsonValueKind.Object || !content.TryGetProperty("parts", out var parts)
            || parts.ValueKind != JsonValueKind.Array || parts.GetArrayLength() == 0)
        {
            error = GoogleError.InvalidArgument($"* GenerateContentRequest.{at}.parts: contents.parts must not be empty.");
            return false;
        }

        foreach (var part in parts.EnumerateArray())
        {
            error = part.ValueKind == JsonValueKind.Object ? Unknown(part, PartMembers, at + ".parts") : GoogleError.InvalidArgument($"Invalid value at '{at}.parts'.");
            if (error is not null)
            {
                return false;
            }

            if (part.TryGetProperty("text", out var piece) && piece.ValueKind == JsonValueKind.String)
            {
                text.Append(text.Length > 0 ? " " : "").Append(piece.GetString());
            }

            if (part.TryGetProperty("functionCall", out var call) && (!call.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String))
            {
                error = GoogleError.InvalidArgument($"* GenerateContentRequest.{at}.parts.function_call.name: Name cannot be empty.");
                return false;
            }

            if (part.TryGetProperty("functionResponse", out var result))
            {
                if (!result.TryGetProperty("name", out var resultName) || resultName.ValueKind != JsonValueKind.String
                    || !result.TryGetProperty("response", out var response) || response.ValueKind != JsonValueKind.Object)
                {
                    error = GoogleError.InvalidArgument($"* GenerateContentRequest.{at}.parts.function_response: name and an object response are required.");
                    return false;
                }

                hasResult = true;
            }
        }

        return true;
    }

    private static (string? First, ToolChoice Choice, string? Named) Tools(JsonElement root)
    {
        string? first = null;
        if (root.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array)
        {
            foreach (var tool in tools.EnumerateArray())
            {
                if (first is null && tool.ValueKind == JsonValueKind.Object && tool.TryGetProperty("functionDeclarations", out var declarations)
                    && declarations.ValueKind == JsonValueKind.Array && declarations.GetArrayLength() > 0
                    && declarations[0].ValueKind == JsonValueKind.Object && declarations[0].TryGetProperty("name", out var name))
                {
                    first = Text(name);
                }
            }
        }

        if (!root.TryGetProperty("toolConfig", out var config) || config.ValueKind != JsonValueKind.Object
            || !config.TryGetProperty("functionCallingConfig", out var calling) || calling.ValueKind != JsonValueKind.Object
            || !calling.TryGetProperty("mode", out var mode))
        {
            return (first, ToolChoice.Auto, null);
        }

        var allowed = calling.TryGetProperty("allowedFunctionNames", out var names) && names.ValueKind == JsonValueKind.Array && names.GetArrayLength() > 0
            ? Text(names[0])
            : null;
        return Text(mode) switch
        {
            "NONE" => (first, ToolChoice.None, null),
            "ANY" when allowed is not null => (first, ToolChoice.Named, allowed),
            "ANY" => (first, ToolChoice.Required, null),
            _ => (first, ToolChoice.Auto, null),
        };
    }

    private static GoogleError? Unknown(JsonElement element, HashSet<string> known, string at)
    {
        foreach (var member in element.EnumerateObject())
        {
            if (!known.Contains(member.Name))
            {
                return GoogleError.InvalidArgument($"Invalid JSON payload received. Unknown name \"{member.Name}\" at '{at}': Cannot find field.");
            }
        }

        return null;
    }

    private static string FailCode(string rest)
    {
        var code = rest.Trim().Split(' ', 2)[0];
        return code.Length > 0 && code.All(c => char.IsAsciiLetterUpper(c) || c == '_') ? code : "UNAVAILABLE";
    }

    private static string? Text(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int? Int(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n)
            ? n
            : null;
}
