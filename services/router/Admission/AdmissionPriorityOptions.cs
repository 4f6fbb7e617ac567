namespace AiMesh.Router.Admission;

/// <summary>
/// One entry of <c>Router:Admission:Priorities</c>: requests whose key and team carry every tag named here wait with
/// <see cref="Priority"/>. Tags as the routing rules match them (<c>Router:Rules:N:KeyTags</c>), because a tag such as
/// <c>tier:gold</c> cannot be a configuration key: the binder reads its colon as a section separator.
/// </summary>
internal sealed class AdmissionPriorityOptions
{
    /// <summary>Tags the admitted key must carry with these values.</summary>
    public IDictionary<string, string> KeyTags { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Tags the key's team must carry with these values.</summary>
    public IDictionary<string, string> TeamTags { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Higher goes first; the default for requests no entry matches is 0, so a negative value sends a tag (batch work) behind everyone.</summary>
    public int Priority { get; set; }
}
