namespace AiMesh.Prompts.Store;

/// <summary>
/// Where the prompt registry is stored (<c>Prompts:Database</c>). The default is an embedded SQLite file; a distributed
/// deployment sets <c>Provider: Postgres</c> and passes the connection string (it holds a password) through the
/// environment, <c>Prompts__Database__ConnectionString</c>, never through a committed file.
/// </summary>
internal sealed class PromptsDatabaseOptions
{
    /// <summary><c>Sqlite</c> (embedded) or <c>Postgres</c>.</summary>
    public string Provider { get; set; } = DatabaseProviders.Sqlite;

    /// <summary>A relative SQLite path is resolved against the working directory; its folder is created at start.</summary>
    public string ConnectionString { get; set; } = "Data Source=data/aimesh-prompts.db";
}
