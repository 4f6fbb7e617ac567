using AiMesh.Hosting.Storage;

namespace AiMesh.Prompts.Store.Migrations;

/// <summary>
/// Every step of the registry's schema, in the order they apply. Append only. Steps 1–4 are the tables the registry
/// had before it kept a journal (made then by EF's <c>CreateTables</c> and by one ad-hoc step per later table); they
/// are written with <c>IF NOT EXISTS</c> so that a database made by that code is adopted as it stands, gaining only
/// what it lacks. A step added from 5 on runs on a database known to be at the step before it, and needs no such care.
/// </summary>
internal static class SchemaMigrations
{
    public const string Table = "prompts_schema_migrations";

    public static IReadOnlyList<SchemaStep> All { get; } = [V1Registry.Migration, V2Apis.Migration, V3Splits.Migration, V4Chains.Migration];

    public static int Latest => All[^1].Version;
}
