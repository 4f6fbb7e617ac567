using AiMesh.Metering.Tests.Infrastructure;

namespace AiMesh.Metering.Tests;

/// <summary>The reconciliation specs on the embedded default: a SQLite file.</summary>
public sealed class SqliteReconcileSpecs(SqliteTestDatabase database) : ReconcileSpecs(database), IClassFixture<SqliteTestDatabase>;
