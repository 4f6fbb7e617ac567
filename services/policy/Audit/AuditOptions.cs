namespace AiMesh.Policy.Audit;

/// <summary>The "Policy:Audit" section.</summary>
internal sealed class AuditOptions
{
    /// <summary>
    /// A file the trail's newest entry (sequence and hash) is appended to after every committed change, outside the
    /// database, so that cutting entries off the trail's end or rewriting the whole chain shows when the verify command
    /// compares the two (<see cref="AuditAnchor"/>). Put it where whoever can write the database cannot, or ship it
    /// off the machine. Absent: the head is only written to the log (event 2044), which is an anchor too once logs
    /// leave the machine. A relative path is under the working directory.
    /// </summary>
    public string? AnchorFile { get; set; }
}
