using AiMesh.Hosting.Storage;

namespace AiMesh.Policy.Store.Migrations;

/// <summary>
/// Version 4: budgets. <c>budget_spend</c> holds each budget's settled spend per period in billionths of the price
/// table's currency (an integer, so the settle is one atomic <c>spent = spent + @cost</c> on either provider, never a
/// read-modify-write). <c>budget_alerts</c> holds one row per (budget, period, threshold) crossed: the replica whose
/// insert succeeds announces it, so each threshold is announced once whatever the number of replicas.
/// </summary>
internal static class V4Budgets
{
    public static SchemaStep Migration { get; } = new(4, "budgets", Sqlite, Postgres);

    private const string Sqlite = """
        CREATE TABLE budget_spend (
            budget TEXT NOT NULL,
            period TEXT NOT NULL,
            spent_nanos INTEGER NOT NULL,
            PRIMARY KEY (budget, period));
        CREATE TABLE budget_alerts (
            budget TEXT NOT NULL,
            period TEXT NOT NULL,
            threshold INTEGER NOT NULL,
            reached_at INTEGER NOT NULL,
            PRIMARY KEY (budget, period, threshold));
        """;

    private const string Postgres = """
        CREATE TABLE budget_spend (
            budget text NOT NULL,
            period text NOT NULL,
            spent_nanos bigint NOT NULL,
            PRIMARY KEY (budget, period));
        CREATE TABLE budget_alerts (
            budget text NOT NULL,
            period text NOT NULL,
            threshold integer NOT NULL,
            reached_at timestamptz NOT NULL,
            PRIMARY KEY (budget, period, threshold));
        """;
}
