using System.ComponentModel.DataAnnotations;

namespace AiMesh.Metering.Configuration;

/// <summary>The "Metering" configuration section.</summary>
internal sealed class MeteringOptions
{
    public const string Section = "Metering";

    [Required]
    public MeteringDatabaseOptions Database { get; set; } = new();

    /// <summary>Retention of logged bodies (<c>Metering:Bodies</c>).</summary>
    [Required]
    public BodyLogOptions Bodies { get; set; } = new();

    /// <summary>Reconciling the routers' reports with the usage events (<see cref="MeteringReconcileOptions"/>).</summary>
    [Required]
    public MeteringReconcileOptions Reconcile { get; set; } = new();

    /// <summary>
    /// How long feedback for a request whose usage event is not stored yet waits for it (<c>Metering:FeedbackWait</c>):
    /// a client that scores an answer as soon as it has it would otherwise race the usage record's own trip (the ingress
    /// batches records, metering batches writes). At most 4 s, under the ingress's 5 s wait for metering's answer.
    /// </summary>
    public TimeSpan FeedbackWait { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Retention of the shadow traffic's results (<c>Metering:Shadow</c>).</summary>
    [Required]
    public ShadowResultOptions Shadow { get; set; } = new();
}
