namespace AiMesh.Hosting.Storage;

/// <summary>
/// One step of a service's database schema: hand-written SQL per provider (there is no dotnet-ef here, and the SQL is
/// what runs, so it is what is reviewed). A step is never edited once released; a change is a new, higher version.
/// </summary>
public sealed record SchemaStep(int Version, string Name, string Sqlite, string Postgres);
