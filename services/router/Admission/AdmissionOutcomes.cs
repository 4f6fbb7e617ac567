namespace AiMesh.Router.Admission;

/// <summary>How a wait for capacity ended: the closed set of the <c>outcome</c> label and the log's word.</summary>
internal static class AdmissionOutcomes
{
    public const string Admitted = "admitted";
    public const string TimedOut = "timed_out";
    public const string Abandoned = "abandoned";

    /// <summary>The deployments refused for another reason than capacity (a circuit opened, a credential went) while it waited.</summary>
    public const string Refused = "refused";
}
