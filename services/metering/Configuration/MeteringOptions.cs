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

    /// <summary>Retention of the shadow traffic's results (<c>Metering:Shadow</c>).</summary>
    [Required]
    public ShadowResultOptions Shadow { get; set; } = new();
}
