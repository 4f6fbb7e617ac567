using System.ComponentModel.DataAnnotations;

namespace AiMesh.Hosting.Security;

/// <summary>The "Policy:FailedAttempts" and "Ingress:FailedAttempts" sections: how rejected credentials slow an address down (<see cref="FailedAttempts"/>).</summary>
public sealed class FailedAttemptOptions
{
    /// <summary>Rejected credentials from one address per window before its attempts are refused; 0 switches this off.</summary>
    [Range(0, int.MaxValue)]
    public int Limit { get; set; } = 20;

    /// <summary>The window's length, and so the longest an address is held.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Addresses counted at once per replica, bounding the memory an address sweep could take.</summary>
    [Range(1, int.MaxValue)]
    public int MaxTrackedAddresses { get; set; } = 100_000;
}
