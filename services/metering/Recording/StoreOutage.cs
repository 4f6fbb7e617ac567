using System.Data.Common;
using AiMesh.Metering.Storage;
using Microsoft.Data.Sqlite;

namespace AiMesh.Metering.Recording;

/// <summary>
/// Tells a store that cannot be reached right now (waited out: the record will be stored once it is back) from a record
/// the store refuses (faulted to the error queue after a few tries). Transient: a database exception its provider calls
/// transient (Npgsql: connection refused, reset or timed out, the server shutting down or out of resources; SQLite:
/// busy or locked; and a file SQLite cannot open, the embedded store's "unreachable"), a timeout, or the schema not yet known to exist; found also inside the wrapper EF Core's execution
/// strategy puts around a transient failure (<see cref="InvalidOperationException"/>), which is what reaches the consumer.
/// </summary>
internal static class StoreOutage
{
    private const int SqliteCannotOpen = 14;

    public static bool IsTransient(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is DbException { IsTransient: true } or SqliteException { SqliteErrorCode: SqliteCannotOpen } or TimeoutException or MeteringStoreUnavailableException)
            {
                return true;
            }
        }

        return false;
    }
}
