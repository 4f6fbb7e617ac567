using AiMesh.Prompts.Tests.Support;

namespace AiMesh.Prompts.Tests.Chains;

/// <summary>The chain specs on PostgreSQL (<c>AIMESH_TEST_POSTGRES</c>), in a database of their own.</summary>
public sealed class PostgresChainSpecs(PostgresTestDatabase database) : ChainSpecs(database), IClassFixture<PostgresTestDatabase>;
