using AiMesh.Prompts.Tests.Support;

namespace AiMesh.Prompts.Tests.Registry;

/// <summary>The registry specs on PostgreSQL (<c>AIMESH_TEST_POSTGRES</c>), in a database of their own.</summary>
public sealed class PostgresRegistrySpecs(PostgresTestDatabase database) : RegistrySpecs(database), IClassFixture<PostgresTestDatabase>;
