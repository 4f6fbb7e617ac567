namespace AiMesh.Contracts.Routing;

/// <summary>How a request ended, as metered.</summary>
public static class CompletionOutcomes
{
    public const string Ok = "ok";
    public const string Error = "error";
    public const string Truncated = "truncated";
    public const string Cancelled = "client_cancelled";
    public const string Denied = "denied";
    public const string TimedOut = "timed_out";
}
