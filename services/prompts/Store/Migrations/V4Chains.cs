using AiMesh.Hosting.Storage;

namespace AiMesh.Prompts.Store.Migrations;

/// <summary>
/// Version 4: <c>prompt_chains</c>, each chain's whole definition. No foreign key to <c>prompts</c>: a chain names its
/// prompts, checked when it is saved.
/// </summary>
internal static class V4Chains
{
    public static SchemaStep Migration { get; } = new(4, "chains", Sqlite, Postgres);

    private const string Sqlite = """
        CREATE TABLE IF NOT EXISTS "prompt_chains" (
            "name" TEXT NOT NULL CONSTRAINT "PK_prompt_chains" PRIMARY KEY,
            "organization_id" TEXT NULL,
            "model" TEXT NULL,
            "steps" TEXT NOT NULL,
            "updated" TEXT NOT NULL,
            "updated_by" TEXT NOT NULL);
        """;

    private const string Postgres = """
        CREATE TABLE IF NOT EXISTS prompt_chains (
            name character varying(200) NOT NULL,
            organization_id character varying(200),
            model character varying(200),
            steps text NOT NULL,
            updated timestamp with time zone NOT NULL,
            updated_by character varying(200) NOT NULL,
            CONSTRAINT "PK_prompt_chains" PRIMARY KEY (name));
        """;
}
