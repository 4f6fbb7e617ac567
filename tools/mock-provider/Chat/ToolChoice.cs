namespace AiMesh.MockProvider.Chat;

internal enum ToolChoice
{
    /// <summary>Absent or "auto": the model decides; the mock calls a tool when the user says "use a tool".</summary>
    Auto,
    None,
    Required,
    /// <summary>An object naming one function.</summary>
    Named,
}
