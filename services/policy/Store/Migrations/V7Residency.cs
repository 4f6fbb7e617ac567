using AiMesh.Hosting.Storage;

namespace AiMesh.Policy.Store.Migrations;

/// <summary>
/// Version 7: conditional routing and data residency. Keys get <c>regions</c> (the data-residency regions their
/// requests may be served in; <c>[]</c>, every existing key's value, means no restriction); teams get <c>tags</c> (for
/// the router's rules, like a key's) and <c>regions</c> (intersected with each key's). JSON text, like the other lists.
/// </summary>
internal static class V7Residency
{
    public static SchemaStep Migration { get; } = new(7, "residency", Sqlite, Postgres);

    private const string Sqlite = """
        ALTER TABLE virtual_keys ADD COLUMN regions TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE teams ADD COLUMN tags TEXT NOT NULL DEFAULT '{}';
        ALTER TABLE teams ADD COLUMN regions TEXT NOT NULL DEFAULT '[]';
        """;

    private const string Postgres = """
        ALTER TABLE virtual_keys ADD COLUMN regions text NOT NULL DEFAULT '[]';
        ALTER TABLE teams ADD COLUMN tags text NOT NULL DEFAULT '{}';
        ALTER TABLE teams ADD COLUMN regions text NOT NULL DEFAULT '[]';
        """;
}
