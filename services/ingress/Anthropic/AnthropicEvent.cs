namespace AiMesh.Ingress.Anthropic;

/// <summary>One server-sent event of Anthropic's stream: its name and its JSON data.</summary>
internal readonly record struct AnthropicEvent(string Name, string Data)
{
    /// <summary>The event as it goes on the wire: <c>event: NAME\ndata: JSON\n\n</c>.</summary>
    public override string ToString() => $"event: {Name}\ndata: {Data}\n\n";
}
