namespace AiMesh.Prompts.Store.Migrations;

/// <summary>
/// One step of the prompt registry's schema: hand-written SQL per provider, as policy's (the SQL is what runs, so it
/// is what is reviewed). A step is never edited once released; a change is a new, higher version.
/// </summary>
internal sealed record SchemaMigration(int Version, string Name, string Sqlite, string Postgres);
