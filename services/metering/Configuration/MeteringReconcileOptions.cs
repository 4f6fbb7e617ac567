using System.ComponentModel.DataAnnotations;

namespace AiMesh.Metering.Configuration;

/// <summary>The "Metering:Reconcile" section: how metering reconciles the routers' reports with the usage events.</summary>
internal sealed class MeteringReconcileOptions
{
    /// <summary>How often each metering replica reconciles.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long after a request's deadline metering still waits for the ingress's usage record before it writes the
    /// event from the router's report. Longer than any ingress can take to send a record it holds (its retries while
    /// the broker is down); a record that comes later still is ignored and counted (<c>aimesh.metering.usage.late</c>).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan IngressGrace { get; set; } = TimeSpan.FromMinutes(5);
}
