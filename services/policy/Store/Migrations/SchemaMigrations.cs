using AiMesh.Hosting.Storage;

namespace AiMesh.Policy.Store.Migrations;

/// <summary>Every migration of the policy schema, in the order they apply. Append only.</summary>
internal static class SchemaMigrations
{
    public const string Table = "policy_schema_migrations";

    public static IReadOnlyList<SchemaStep> All { get; } = [V1Identity.Migration, V2Audit.Migration, V3ProviderCredentials.Migration, V4Budgets.Migration, V5EntityLimits.Migration, V6BodyLogging.Migration, V7Residency.Migration];

    public static int Latest => All[^1].Version;
}
