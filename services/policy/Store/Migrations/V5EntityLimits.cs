using AiMesh.Hosting.Storage;

namespace AiMesh.Policy.Store.Migrations;

/// <summary>
/// Version 5: rate limits and budgets set per key, user, team or organization through the admin API, beside those in
/// configuration. One row of <c>entity_limits</c> per subject (its rates; a null column sets no limit of that kind), one
/// row of <c>entity_budgets</c> per subject and period. The subject is named by type and id without a foreign key (it
/// may be any of four tables); its organization is kept so a tenant's rows are found and authorized without a join.
/// Amounts are billionths of the price table's currency, as in <c>budget_spend</c>.
/// </summary>
internal static class V5EntityLimits
{
    public static SchemaStep Migration { get; } = new(5, "entity limits and budgets", Sqlite, Postgres);

    private const string Sqlite = """
        CREATE TABLE entity_limits (
            subject_type TEXT NOT NULL,
            subject_id TEXT NOT NULL,
            organization_id TEXT NOT NULL REFERENCES organizations (id),
            requests_per_second INTEGER NULL,
            requests_per_minute INTEGER NULL,
            tokens_per_minute INTEGER NULL,
            concurrent INTEGER NULL,
            updated_at INTEGER NOT NULL,
            updated_by TEXT NOT NULL,
            PRIMARY KEY (subject_type, subject_id));
        CREATE TABLE entity_budgets (
            subject_type TEXT NOT NULL,
            subject_id TEXT NOT NULL,
            period TEXT NOT NULL,
            organization_id TEXT NOT NULL REFERENCES organizations (id),
            amount_nanos INTEGER NOT NULL,
            soft_thresholds TEXT NOT NULL,
            hard INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            updated_by TEXT NOT NULL,
            PRIMARY KEY (subject_type, subject_id, period));
        """;

    private const string Postgres = """
        CREATE TABLE entity_limits (
            subject_type text NOT NULL,
            subject_id uuid NOT NULL,
            organization_id uuid NOT NULL REFERENCES organizations (id),
            requests_per_second integer NULL,
            requests_per_minute integer NULL,
            tokens_per_minute integer NULL,
            concurrent integer NULL,
            updated_at timestamptz NOT NULL,
            updated_by text NOT NULL,
            PRIMARY KEY (subject_type, subject_id));
        CREATE TABLE entity_budgets (
            subject_type text NOT NULL,
            subject_id uuid NOT NULL,
            period text NOT NULL,
            organization_id uuid NOT NULL REFERENCES organizations (id),
            amount_nanos bigint NOT NULL,
            soft_thresholds text NOT NULL,
            hard boolean NOT NULL,
            updated_at timestamptz NOT NULL,
            updated_by text NOT NULL,
            PRIMARY KEY (subject_type, subject_id, period));
        """;
}
