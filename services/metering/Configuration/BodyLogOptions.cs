using System.ComponentModel.DataAnnotations;

namespace AiMesh.Metering.Configuration;

/// <summary>
/// The "Metering:Bodies" section: how long logged request and answer bodies (<c>usage_bodies</c>) are kept. The usage
/// event itself is kept for good; only its bodies expire.
/// </summary>
internal sealed class BodyLogOptions
{
    /// <summary>Bodies stored longer ago than this are deleted by the next sweep.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "3650.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often the sweep runs (and once at start).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromHours(1);
}
