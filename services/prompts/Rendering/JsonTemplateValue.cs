using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fluid;
using Fluid.Values;

namespace AiMesh.Prompts.Rendering;

/// <summary>
/// A JSON object or array given as a prompt variable, as the template sees it: members and items can be read
/// (<c>{{ order.id }}</c>, <c>{{ items[0] }}</c>, <c>{{ items.size }}</c>) and looped over (<c>{% for i in items %}</c>;
/// an object yields <c>[key, value]</c> pairs, as Liquid's hashes do), and printed whole it is its JSON text, as the
/// variable was given. Fluid would print a dictionary or array as its items run together, which a prompt never means.
/// </summary>
internal sealed class JsonTemplateValue(JsonNode node) : FluidValue
{
    public override FluidValues Type => node is JsonArray ? FluidValues.Array : FluidValues.Dictionary;

    /// <summary>The template value of one JSON value: text, number, boolean, nil, or an object or array as this class.</summary>
    public static FluidValue Of(JsonNode? value) => value switch
    {
        null => NilValue.Instance,
        JsonObject or JsonArray => new JsonTemplateValue(value),
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => StringValue.Create(v.GetValue<string>()),
            JsonValueKind.True => BooleanValue.True,
            JsonValueKind.False => BooleanValue.False,
            JsonValueKind.Number when decimal.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) =>
                NumberValue.Create(number),

            // Beyond decimal's range: kept as the client wrote it.
            JsonValueKind.Number => StringValue.Create(v.ToJsonString()),
            _ => NilValue.Instance,
        },
        _ => NilValue.Instance,
    };

    public override bool Equals(FluidValue other) => other is JsonTemplateValue json && JsonNode.DeepEquals(node, json.Node);

    public override bool ToBooleanValue() => true;

    public override decimal ToNumberValue() => 0;

    public override string ToStringValue() => node.ToJsonString();

    public override object ToObjectValue() => node;

    public override async ValueTask WriteToAsync(TextWriter writer, TextEncoder encoder, CultureInfo cultureInfo)
    {
        ArgumentNullException.ThrowIfNull(writer);
        await writer.WriteAsync(node.ToJsonString()).ConfigureAwait(false);
    }

    public override ValueTask<FluidValue> GetValueAsync(string name, TemplateContext context) => new(Member(name));

    public override ValueTask<FluidValue> GetIndexAsync(FluidValue index, TemplateContext context)
    {
        ArgumentNullException.ThrowIfNull(index);
        return new(node switch
        {
            JsonArray array when index.Type == FluidValues.Number => Item(array, (int)index.ToNumberValue()),
            JsonObject => Member(index.ToStringValue()),
            _ => NilValue.Instance,
        });
    }

    public override bool Contains(FluidValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return node switch
        {
            JsonArray array => array.Any(item => Of(item).Equals(value)),
            JsonObject obj => obj.ContainsKey(value.ToStringValue()),
            _ => false,
        };
    }

    public override IEnumerable<FluidValue> Enumerate(TemplateContext context) => node switch
    {
        JsonArray array => array.Select(Of),
        JsonObject obj => obj.Select(p => (FluidValue)new ArrayValue([StringValue.Create(p.Key), Of(p.Value)])),
        _ => [],
    };

    private JsonNode Node => node;

    /// <summary>A member by name; on an array (or an object without such a member) Liquid's <c>size</c>, <c>first</c>, <c>last</c>.</summary>
    private FluidValue Member(string name)
    {
        if (node is JsonObject obj && obj.TryGetPropertyValue(name, out var member))
        {
            return Of(member);
        }

        var count = node is JsonArray a ? a.Count : ((JsonObject)node).Count;
        return name switch
        {
            "size" => NumberValue.Create(count),
            "first" when node is JsonArray array => Item(array, 0),
            "last" when node is JsonArray array => Item(array, array.Count - 1),
            _ => NilValue.Instance,
        };
    }

    private static FluidValue Item(JsonArray array, int index)
    {
        if (index < 0)
        {
            index += array.Count;
        }

        return index >= 0 && index < array.Count ? Of(array[index]) : NilValue.Instance;
    }
}
