using AiMesh.Policy.Tests.Support;
using Xunit.Abstractions;

namespace AiMesh.Policy.Tests.Keys;

public sealed class PostgresStoredKeySpecs(PostgresTestStore store, ITestOutputHelper output) : StoredKeySpecs(store, output), IClassFixture<PostgresTestStore>;
