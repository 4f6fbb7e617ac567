using AiMesh.Hosting.Storage;

namespace AiMesh.Prompts.Store.Migrations;

/// <summary>
/// Version 3: <c>prompt_splits</c>, one experiment per label. A registry given this table by the old ad-hoc splits step
/// has it without the foreign key to <c>prompts</c>; it keeps it so (the store only writes a split for a prompt it has
/// just read, and prompts are never deleted).
/// </summary>
internal static class V3Splits
{
    public static SchemaStep Migration { get; } = new(3, "splits", Sqlite, Postgres);

    private const string Sqlite = """
        CREATE TABLE IF NOT EXISTS "prompt_splits" (
            "prompt_id" TEXT NOT NULL,
            "label" TEXT NOT NULL,
            "versions" TEXT NOT NULL,
            "changed_at" TEXT NOT NULL,
            "changed_by" TEXT NOT NULL,
            CONSTRAINT "PK_prompt_splits" PRIMARY KEY ("prompt_id", "label"),
            CONSTRAINT "FK_prompt_splits_prompts_prompt_id" FOREIGN KEY ("prompt_id") REFERENCES "prompts" ("id") ON DELETE CASCADE);
        """;

    private const string Postgres = """
        CREATE TABLE IF NOT EXISTS prompt_splits (
            prompt_id uuid NOT NULL,
            label character varying(100) NOT NULL,
            versions text NOT NULL,
            changed_at timestamp with time zone NOT NULL,
            changed_by character varying(200) NOT NULL,
            CONSTRAINT "PK_prompt_splits" PRIMARY KEY (prompt_id, label),
            CONSTRAINT "FK_prompt_splits_prompts_prompt_id" FOREIGN KEY (prompt_id) REFERENCES prompts (id) ON DELETE CASCADE);
        """;
}
