using AiMesh.Hosting.Storage;

namespace AiMesh.Policy.Store.Migrations;

/// <summary>
/// Version 2: the audit trail. Append-only in the database too: triggers refuse every UPDATE and DELETE (and, on
/// PostgreSQL, TRUNCATE), so even a bug or a hand-written statement cannot rewrite history without first dropping a
/// trigger. Each row is hash-chained to the one before (<c>Audit/AuditHash.cs</c>); <c>sequence</c> is the primary key,
/// so two writers can never both append the same number.
/// </summary>
internal static class V2Audit
{
    public static SchemaStep Migration { get; } = new(2, "audit", Sqlite, Postgres);

    private const string Sqlite = """
        CREATE TABLE audit_events (
            sequence INTEGER NOT NULL PRIMARY KEY,
            occurred_at INTEGER NOT NULL,
            actor TEXT NOT NULL,
            organization_id TEXT NULL,
            operation TEXT NOT NULL,
            object_type TEXT NOT NULL,
            object_id TEXT NOT NULL,
            before_json TEXT NULL,
            after_json TEXT NULL,
            client_address TEXT NULL,
            previous_hash TEXT NOT NULL,
            hash TEXT NOT NULL);
        CREATE INDEX ix_audit_events_organization ON audit_events (organization_id, sequence);
        CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
        CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
        """;

    private const string Postgres = """
        CREATE TABLE audit_events (
            sequence bigint NOT NULL PRIMARY KEY,
            occurred_at timestamptz NOT NULL,
            actor text NOT NULL,
            organization_id uuid NULL,
            operation text NOT NULL,
            object_type text NOT NULL,
            object_id text NOT NULL,
            before_json text NULL,
            after_json text NULL,
            client_address text NULL,
            previous_hash text NOT NULL,
            hash text NOT NULL);
        CREATE INDEX ix_audit_events_organization ON audit_events (organization_id, sequence);
        CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'audit_events is append-only';
        END
        $$;
        CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
            FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
        CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
            FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
        """;
}
