using AiMesh.Hosting.Storage;

namespace AiMesh.Policy.Store.Migrations;

/// <summary>
/// Version 3: provider credentials, their values sealed under the master key (see <c>Secrets/</c>). The key id has
/// an index of its own: the rotate command finds the rows not under the current key with it.
/// </summary>
internal static class V3ProviderCredentials
{
    public static SchemaStep Migration { get; } = new(3, "provider_credentials", Sqlite, Postgres);

    private const string Sqlite = """
        CREATE TABLE provider_credentials (
            id TEXT NOT NULL PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            provider TEXT NULL,
            key_id TEXT NOT NULL,
            ciphertext TEXT NOT NULL,
            hint TEXT NOT NULL,
            version INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            created_by TEXT NOT NULL,
            updated_at INTEGER NOT NULL,
            updated_by TEXT NOT NULL);
        CREATE INDEX ix_provider_credentials_key_id ON provider_credentials (key_id);
        """;

    private const string Postgres = """
        CREATE TABLE provider_credentials (
            id uuid NOT NULL PRIMARY KEY,
            name text NOT NULL UNIQUE,
            provider text NULL,
            key_id text NOT NULL,
            ciphertext text NOT NULL,
            hint text NOT NULL,
            version bigint NOT NULL,
            created_at timestamptz NOT NULL,
            created_by text NOT NULL,
            updated_at timestamptz NOT NULL,
            updated_by text NOT NULL);
        CREATE INDEX ix_provider_credentials_key_id ON provider_credentials (key_id);
        """;
}
