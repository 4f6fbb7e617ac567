using AiMesh.Policy.Tests.Support;

namespace AiMesh.Policy.Tests.Store;

public sealed class PostgresStoreSpecs(PostgresTestStore store) : StoreSpecs(store), IClassFixture<PostgresTestStore>;
