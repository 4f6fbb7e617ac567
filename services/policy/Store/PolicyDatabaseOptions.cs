using System.ComponentModel.DataAnnotations;

namespace AiMesh.Policy.Store;

/// <summary>
/// The <c>Policy:Database</c> section: where organizations, teams, users and virtual keys live. The default is the
/// embedded SQLite file; a deployment sets <c>Provider: Postgres</c> and passes the connection string (it holds a
/// password) through the environment, <c>Policy__Database__ConnectionString</c>, never through a committed file.
/// </summary>
internal sealed class PolicyDatabaseOptions
{
    /// <summary><c>Sqlite</c> (embedded) or <c>Postgres</c>.</summary>
    [Required]
    public string Provider { get; set; } = DatabaseProviders.Sqlite;

    /// <summary>A relative SQLite path is resolved against the working directory; its folder is created at start.</summary>
    [Required]
    public string ConnectionString { get; set; } = "Data Source=data/aimesh-policy.db";
}
