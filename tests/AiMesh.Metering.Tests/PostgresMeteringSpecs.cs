using AiMesh.Metering.Tests.Infrastructure;

namespace AiMesh.Metering.Tests;

/// <summary>The metering specs on PostgreSQL (<c>AIMESH_TEST_POSTGRES</c>), in a database of their own.</summary>
public sealed class PostgresMeteringSpecs(PostgresTestDatabase database) : MeteringSpecs(database), IClassFixture<PostgresTestDatabase>;
