using AiMesh.Metering.Tests.Infrastructure;

namespace AiMesh.Metering.Tests;

/// <summary>The projection specs on PostgreSQL (<c>AIMESH_TEST_POSTGRES</c>), in a database of their own.</summary>
public sealed class PostgresProjectionSpecs(PostgresTestDatabase database) : ProjectionSpecs(database), IClassFixture<PostgresTestDatabase>;
