namespace AiMesh.Policy.Tests.Support;

/// <summary>A real database server the shared store specs run against; each test gets a database of its own.</summary>
public interface ITestStore
{
    /// <summary>The value of <c>Policy:Database:Provider</c>.</summary>
    string Provider { get; }

    /// <summary>A new, empty database (SQLite file or PostgreSQL schema), private to the calling test.</summary>
    Task<string> NewDatabaseAsync();

    /// <summary>Every stored value of the database as text, for "is the secret anywhere" searches.</summary>
    Task<string> DumpAsync(string connectionString);
}
