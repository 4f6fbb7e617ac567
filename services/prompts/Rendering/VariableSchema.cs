using System.Text.Json.Nodes;
using NJsonSchema;
using NJsonSchema.Validation;

namespace AiMesh.Prompts.Rendering;

/// <summary>
/// A prompt's declared variables as a JSON Schema (draft 4 to 2020-12, NJsonSchema), checked before the template is
/// rendered, so a caller learns which variable is wrong (<c>prompt.variables.count</c>: "must be at least 1") instead of
/// getting a prompt rendered from bad input. The schema is an operator's, but still input: only references inside the
/// document (<c>#/…</c>) are allowed, since resolving another would make the prompts service fetch a URL or read a file.
/// </summary>
internal sealed class VariableSchema
{
    private readonly JsonSchema schema;

    private VariableSchema(JsonSchema schema) => this.schema = schema;

    /// <summary>Parses <paramref name="json"/>; an error in words an operator can act on otherwise.</summary>
    public static async Task<(VariableSchema? Schema, string? Error)> ParseAsync(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonNode? document;
        try
        {
            document = JsonNode.Parse(json);
        }
        catch (System.Text.Json.JsonException e)
        {
            return (null, $"The variable schema is not JSON: {e.Message}");
        }

        if (document is not JsonObject root)
        {
            return (null, "The variable schema must be a JSON object.");
        }

        if (ExternalReference(root) is { } reference)
        {
            return (null, $"The variable schema refers outside itself ('{reference}'); only '#/…' references are allowed.");
        }

        try
        {
            return (new VariableSchema(await JsonSchema.FromJsonAsync(json)), null);
        }
#pragma warning disable CA1031 // NJsonSchema's parse errors come in several types; each is the schema's fault, answered as such.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return (null, $"The variable schema is not a valid JSON Schema: {e.Message.Split('\n', 2)[0].Trim()}");
        }
    }

    /// <summary>The first violation of <paramref name="variables"/>, or null when they fit.</summary>
    public VariableViolation? Check(JsonObject variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        var first = schema.Validate(variables.ToJsonString()).FirstOrDefault();
        if (first is null)
        {
            return null;
        }

        var (path, error) = Innermost(first);
        var name = path.StartsWith("#/", StringComparison.Ordinal) ? path[2..] : path.TrimStart('#');
        return new VariableViolation(
            name.Length == 0 ? "prompt.variables" : $"prompt.variables.{name.Replace('/', '.')}",
            name.Length == 0 ? $"The variables {Describe(error.Kind)}." : $"The variable '{name.Replace('/', '.')}' {Describe(error.Kind)}.");
    }

    /// <summary>A failed <c>oneOf</c> or array item names its first inner error: that is where the value is wrong.</summary>
    private static (string Path, ValidationError Error) Innermost(ValidationError error)
    {
        if (error.Kind == ValidationErrorKind.PropertyRequired)
        {
            return ($"#/{error.Property}", error);
        }

        if (error is ChildSchemaValidationError child && child.Errors.Values.SelectMany(e => e).FirstOrDefault() is { } inner)
        {
            return Innermost(inner);
        }

        return (error.Path ?? "#", error);
    }

    private static string Describe(ValidationErrorKind kind) => kind switch
    {
        ValidationErrorKind.PropertyRequired => "is required",
        ValidationErrorKind.StringExpected => "must be a string",
        ValidationErrorKind.NumberExpected => "must be a number",
        ValidationErrorKind.IntegerExpected => "must be an integer",
        ValidationErrorKind.BooleanExpected => "must be true or false",
        ValidationErrorKind.ArrayExpected => "must be an array",
        ValidationErrorKind.ObjectExpected => "must be an object",
        ValidationErrorKind.NullExpected => "must be null",
        ValidationErrorKind.StringTooShort => "is too short",
        ValidationErrorKind.StringTooLong => "is too long",
        ValidationErrorKind.PatternMismatch => "does not match its pattern",
        ValidationErrorKind.NumberTooSmall => "is below its minimum",
        ValidationErrorKind.NumberTooBig => "is above its maximum",
        ValidationErrorKind.NotInEnumeration => "is not one of the allowed values",
        ValidationErrorKind.TooManyItems => "has too many items",
        ValidationErrorKind.TooFewItems => "has too few items",
        ValidationErrorKind.ItemsNotUnique => "has repeated items",
        ValidationErrorKind.NoAdditionalPropertiesAllowed => "is not a variable of this prompt",
        _ => $"does not fit the prompt's schema ({kind})",
    };

    private static string? ExternalReference(JsonNode? node) => node switch
    {
        JsonObject obj => obj.TryGetPropertyValue("$ref", out var value) && value is JsonValue v && v.TryGetValue<string>(out var target)
            && !target.StartsWith('#')
                ? target
                : obj.Select(p => ExternalReference(p.Value)).FirstOrDefault(r => r is not null),
        JsonArray array => array.Select(ExternalReference).FirstOrDefault(r => r is not null),
        _ => null,
    };
}

/// <param name="Param">The request member at fault, e.g. <c>prompt.variables.count</c>.</param>
/// <param name="Message">What is wrong with it, naming the variable.</param>
internal sealed record VariableViolation(string Param, string Message);
