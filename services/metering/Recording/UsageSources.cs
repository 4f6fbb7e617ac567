namespace AiMesh.Metering.Recording;

/// <summary>Values of <c>usage_events.source</c> and <c>UsageMetered.Source</c>; null is the ingress's record.</summary>
internal static class UsageSources
{
    /// <summary>Written by metering from the router's report: the ingress's record never came.</summary>
    public const string Router = "router";
}
