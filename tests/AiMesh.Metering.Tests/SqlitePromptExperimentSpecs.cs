using AiMesh.Metering.Tests.Infrastructure;

namespace AiMesh.Metering.Tests;

/// <summary>The prompt experiment specs on the embedded default: a SQLite file.</summary>
public sealed class SqlitePromptExperimentSpecs(SqliteTestDatabase database) : PromptExperimentSpecs(database), IClassFixture<SqliteTestDatabase>;
