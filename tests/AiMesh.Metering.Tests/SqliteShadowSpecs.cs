using AiMesh.Metering.Tests.Infrastructure;

namespace AiMesh.Metering.Tests;

/// <summary>The shadow traffic specs on the embedded default: a SQLite file.</summary>
public sealed class SqliteShadowSpecs(SqliteTestDatabase database) : ShadowSpecs(database), IClassFixture<SqliteTestDatabase>;
