using AiMesh.Metering.Tests.Infrastructure;

namespace AiMesh.Metering.Tests;

/// <summary>The metering specs on the embedded default: a SQLite file.</summary>
public sealed class SqliteMeteringSpecs(SqliteTestDatabase database) : MeteringSpecs(database), IClassFixture<SqliteTestDatabase>;
