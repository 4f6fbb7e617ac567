using System.ComponentModel.DataAnnotations;
using AiMesh.Hosting.Security;
using AiMesh.Policy.Audit;
using AiMesh.Policy.Store;

namespace AiMesh.Policy.Keys;

/// <summary>
/// The "Policy" section. Keys come from two places served side by side: configured keys (<see cref="Keys"/>, given
/// either as the SHA-256 of the secret, safe to commit, or as the name of an environment variable holding the
/// secret; the bootstrap and the quick start use them) and virtual keys in the store (<see cref="Database"/>).
/// </summary>
internal sealed class PolicyOptions
{
    public const string Section = "Policy";

    public List<ConfiguredKey> Keys { get; set; } = [];

    public PolicyDatabaseOptions Database { get; set; } = new();

    /// <summary>
    /// How often every replica reloads all stored keys, the safety net under the change events: a revocation is
    /// seen by every replica within the bus latency, at worst this interval.
    /// </summary>
    public TimeSpan KeyReloadInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How repeated rejections from one address are slowed (see <c>services/hosting/Security/FailedAttempts.cs</c>).</summary>
    public FailedAttemptOptions FailedAttempts { get; set; } = new();

    /// <summary>Where the audit trail's head is anchored outside the database (see <c>Audit/AuditAnchor.cs</c>).</summary>
    public AuditOptions Audit { get; set; } = new();
}

internal sealed class ConfiguredKey
{
    /// <summary>Non-secret identifier shown in logs and usage records.</summary>
    [Required]
    public string Id { get; set; } = "";

    /// <summary>Who the key belongs to (an application, user or team).</summary>
    [Required]
    public string Principal { get; set; } = "";

    public string? Team { get; set; }

    /// <summary>Lower-case hex SHA-256 of the key.</summary>
    public string? Sha256 { get; set; }

    /// <summary>An environment variable that holds the key itself.</summary>
    public string? Env { get; set; }

    /// <summary>
    /// Public model names the key may use; <c>*</c> allows every model. Empty by default, and required: the
    /// configuration binder appends to a list, so a default entry would silently widen every key.
    /// </summary>
    public List<string> Models { get; set; } = [];
}
