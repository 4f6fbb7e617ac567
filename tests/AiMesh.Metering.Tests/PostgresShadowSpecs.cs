using AiMesh.Metering.Tests.Infrastructure;

namespace AiMesh.Metering.Tests;

/// <summary>The shadow traffic specs on PostgreSQL (<c>AIMESH_TEST_POSTGRES</c>), in a database of their own.</summary>
public sealed class PostgresShadowSpecs(PostgresTestDatabase database) : ShadowSpecs(database), IClassFixture<PostgresTestDatabase>;
