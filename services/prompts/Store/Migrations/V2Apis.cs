using AiMesh.Hosting.Storage;

namespace AiMesh.Prompts.Store.Migrations;

/// <summary>Version 2: <c>prompt_apis</c>, prompts published as APIs (at most one per prompt, custom paths unique).</summary>
internal static class V2Apis
{
    public static SchemaStep Migration { get; } = new(2, "apis", Sqlite, Postgres);

    private const string Sqlite = """
        CREATE TABLE IF NOT EXISTS "prompt_apis" (
            "prompt_id" TEXT NOT NULL CONSTRAINT "PK_prompt_apis" PRIMARY KEY,
            "path" TEXT NULL,
            "label" TEXT NULL,
            "version" INTEGER NULL,
            "model" TEXT NULL,
            "output" TEXT NOT NULL,
            "output_schema" TEXT NULL,
            "requests_per_minute" INTEGER NULL,
            "enabled" INTEGER NOT NULL,
            "updated" TEXT NOT NULL,
            "updated_by" TEXT NOT NULL,
            CONSTRAINT "FK_prompt_apis_prompts_prompt_id" FOREIGN KEY ("prompt_id") REFERENCES "prompts" ("id") ON DELETE CASCADE);
        CREATE UNIQUE INDEX IF NOT EXISTS "ux_prompt_apis_path" ON "prompt_apis" ("path");
        """;

    private const string Postgres = """
        CREATE TABLE IF NOT EXISTS prompt_apis (
            prompt_id uuid NOT NULL,
            path character varying(200),
            label character varying(100),
            version integer,
            model character varying(200),
            output character varying(10) NOT NULL,
            output_schema text,
            requests_per_minute integer,
            enabled boolean NOT NULL,
            updated timestamp with time zone NOT NULL,
            updated_by character varying(200) NOT NULL,
            CONSTRAINT "PK_prompt_apis" PRIMARY KEY (prompt_id),
            CONSTRAINT "FK_prompt_apis_prompts_prompt_id" FOREIGN KEY (prompt_id) REFERENCES prompts (id) ON DELETE CASCADE);
        CREATE UNIQUE INDEX IF NOT EXISTS ux_prompt_apis_path ON prompt_apis (path);
        """;
}
