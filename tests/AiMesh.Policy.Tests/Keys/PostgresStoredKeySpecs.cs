using AiMesh.Policy.Tests.Support;

namespace AiMesh.Policy.Tests.Keys;

public sealed class PostgresStoredKeySpecs(PostgresTestStore store) : StoredKeySpecs(store), IClassFixture<PostgresTestStore>;
