using AiMesh.Metering.Tests.Infrastructure;

namespace AiMesh.Metering.Tests;

/// <summary>The prompt experiment specs on PostgreSQL (<c>AIMESH_TEST_POSTGRES</c>), in a database of their own.</summary>
public sealed class PostgresPromptExperimentSpecs(PostgresTestDatabase database) : PromptExperimentSpecs(database), IClassFixture<PostgresTestDatabase>;
