namespace AiMesh.Router.Transport;

/// <summary>One dispatched server-sent event.</summary>
/// <param name="Type">The <c>event:</c> field, <c>message</c> when the event named none.</param>
/// <param name="Data">The <c>data:</c> lines joined with <c>\n</c>.</param>
/// <param name="Id">The last event id seen on the stream, if any.</param>
internal readonly record struct SseEvent(string Type, string Data, string? Id = null)
{
    public const string DefaultType = "message";
}
