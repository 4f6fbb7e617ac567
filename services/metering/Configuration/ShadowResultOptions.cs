using System.ComponentModel.DataAnnotations;

namespace AiMesh.Metering.Configuration;

/// <summary>
/// The "Metering:Shadow" section: how long the shadow traffic's results (<c>shadow_results</c>) are kept. They are an
/// experiment's evidence, not usage (the usage log is kept for good): once a candidate is judged they have no use, and
/// each holds both answers' figures, so they expire like logged bodies.
/// </summary>
internal sealed class ShadowResultOptions
{
    /// <summary>Results that ended longer ago than this are deleted by the next sweep.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "3650.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How often the sweep runs (and once at start).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromHours(1);
}
