using System.Text;
using Microsoft.EntityFrameworkCore;

namespace AiMesh.Prompts.Store;

/// <summary>
/// The splits schema step: <c>prompt_splits</c> (<see cref="PromptSplitRecord"/>) on a registry created before it.
/// A new registry gets it with the other tables from the EF model; an older one has <c>prompts</c> and so is never
/// created again, and gets this table here. The statement is written from the EF model itself (column names and each
/// provider's store types), so both ways make the same table. The foreign key to <c>prompts</c> is left out here: the
/// store only writes a split for a prompt it has just read, and prompts are never deleted.
/// </summary>
internal static class PromptSplitTable
{
    public const string Name = "prompt_splits";

    /// <returns>Whether the table was missing (and is now created).</returns>
    public static async Task<bool> EnsureAsync(PromptsDbContext db, CancellationToken cancellationToken)
    {
        if (await PromptsDatabase.TableExistsAsync(db, Name, cancellationToken))
        {
            return false;
        }

        var entity = db.Model.FindEntityType(typeof(PromptSplitRecord))!;
        var text = new StringBuilder("CREATE TABLE IF NOT EXISTS ").Append(Name).Append(" (");
        foreach (var property in entity.GetProperties())
        {
            text.Append(property.GetColumnName()).Append(' ').Append(property.GetRelationalTypeMapping().StoreType)
                .Append(property.IsNullable ? " NULL, " : " NOT NULL, ");
        }

        // Constant text: names and store types from the model, nothing from a message. IF NOT EXISTS lets two replicas race.
        text.Append("PRIMARY KEY (prompt_id, label))");
        await db.Database.ExecuteSqlRawAsync(text.ToString(), cancellationToken);
        return true;
    }
}
