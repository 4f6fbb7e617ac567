using AiMesh.Prompts.Tests.Support;

namespace AiMesh.Prompts.Tests.Chains;

/// <summary>The chain specs on the embedded default: a SQLite file.</summary>
public sealed class SqliteChainSpecs(SqliteTestDatabase database) : ChainSpecs(database), IClassFixture<SqliteTestDatabase>;
