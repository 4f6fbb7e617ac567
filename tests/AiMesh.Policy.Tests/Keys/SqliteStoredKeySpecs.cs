using AiMesh.Policy.Tests.Support;

namespace AiMesh.Policy.Tests.Keys;

public sealed class SqliteStoredKeySpecs(SqliteTestStore store) : StoredKeySpecs(store), IClassFixture<SqliteTestStore>;
