using AiMesh.Metering.Tests.Infrastructure;

namespace AiMesh.Metering.Tests;

/// <summary>The projection specs on the embedded default: a SQLite file of their own.</summary>
public sealed class SqliteProjectionSpecs(SqliteTestDatabase database) : ProjectionSpecs(database), IClassFixture<SqliteTestDatabase>;
