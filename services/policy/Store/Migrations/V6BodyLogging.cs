using AiMesh.Hosting.Storage;

namespace AiMesh.Policy.Store.Migrations;

/// <summary>
/// Version 6: body logging, switched on per key or per team (<c>log_bodies</c>; a team's applies to every key of the
/// team: its own keys and its service accounts'). Off for every existing row.
/// </summary>
internal static class V6BodyLogging
{
    public static SchemaStep Migration { get; } = new(6, "body_logging", Sqlite, Postgres);

    private const string Sqlite = """
        ALTER TABLE virtual_keys ADD COLUMN log_bodies INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE teams ADD COLUMN log_bodies INTEGER NOT NULL DEFAULT 0;
        """;

    private const string Postgres = """
        ALTER TABLE virtual_keys ADD COLUMN log_bodies boolean NOT NULL DEFAULT false;
        ALTER TABLE teams ADD COLUMN log_bodies boolean NOT NULL DEFAULT false;
        """;
}
