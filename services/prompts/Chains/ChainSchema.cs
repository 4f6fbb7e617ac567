using AiMesh.Prompts.Store;
using Microsoft.EntityFrameworkCore;

namespace AiMesh.Prompts.Chains;

/// <summary>
/// Schema step "chains" (issue 7): <c>prompt_chains</c> for a registry created before chains existed. A new database
/// gets the table with the others (it is in the model); this adds it to an older one, idempotently, so it runs on every
/// start and two replicas may race through it.
/// </summary>
internal static class ChainSchema
{
    private const string Table = PromptsDbContext.ChainsTable;

    public static Task EnsureAsync(PromptsDbContext db, CancellationToken cancellationToken)
    {
        var sql = db.Database.IsNpgsql()
            ? $"""
              CREATE TABLE IF NOT EXISTS {Table} (
                  name character varying(200) NOT NULL PRIMARY KEY,
                  organization_id character varying(200) NULL,
                  model character varying(200) NULL,
                  steps text NOT NULL,
                  updated timestamp with time zone NOT NULL,
                  updated_by character varying(200) NOT NULL)
              """
            : $"""
              CREATE TABLE IF NOT EXISTS "{Table}" (
                  "name" TEXT NOT NULL CONSTRAINT "PK_{Table}" PRIMARY KEY,
                  "organization_id" TEXT NULL,
                  "model" TEXT NULL,
                  "steps" TEXT NOT NULL,
                  "updated" TEXT NOT NULL,
                  "updated_by" TEXT NOT NULL)
              """;
        return db.Database.ExecuteSqlRawAsync(sql, cancellationToken);
    }
}
