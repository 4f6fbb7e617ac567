using AiMesh.Policy.Tests.Support;

namespace AiMesh.Policy.Tests.Store;

public sealed class SqliteStoreSpecs(SqliteTestStore store) : StoreSpecs(store), IClassFixture<SqliteTestStore>;
