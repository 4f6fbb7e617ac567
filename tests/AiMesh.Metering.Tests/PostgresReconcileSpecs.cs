using AiMesh.Metering.Tests.Infrastructure;

namespace AiMesh.Metering.Tests;

/// <summary>The reconciliation specs on PostgreSQL (<c>AIMESH_TEST_POSTGRES</c>), in a database of their own.</summary>
public sealed class PostgresReconcileSpecs(PostgresTestDatabase database) : ReconcileSpecs(database), IClassFixture<PostgresTestDatabase>;
