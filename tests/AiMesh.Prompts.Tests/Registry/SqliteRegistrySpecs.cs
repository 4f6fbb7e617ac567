using AiMesh.Prompts.Tests.Support;

namespace AiMesh.Prompts.Tests.Registry;

/// <summary>The registry specs on the embedded default: a SQLite file.</summary>
public sealed class SqliteRegistrySpecs(SqliteTestDatabase database) : RegistrySpecs(database), IClassFixture<SqliteTestDatabase>;
