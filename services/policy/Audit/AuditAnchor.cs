using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;
using AiMesh.Policy.Keys;

namespace AiMesh.Policy.Audit;

/// <summary>
/// Anchors the trail's head outside its table. A hash chain on its own cannot show entries cut off its end, or a chain
/// recomputed whole by someone who can write the table; a copy of the head kept elsewhere can. So after every
/// transaction that committed audit entries, the newest one's sequence and hash are written to the log (event 2044)
/// and, when <see cref="AuditOptions.AnchorFile"/> is set, appended to that file as a line
/// <c>&lt;sequence&gt; &lt;hash&gt; &lt;time&gt;</c>. <see cref="AuditVerifier"/> then checks that every anchored entry
/// is still in the trail with the same hash.
/// <para>
/// It runs after the commit, as an EF Core transaction interceptor on every policy store context, so no code path that
/// appends (<see cref="AuditTrail"/>) can forget it, and a change that rolled back anchors nothing. A crash between the
/// commit and the write leaves the file one head behind, which the verify command accepts (an anchor is a prefix, not
/// the end); a write that fails is logged (2045) and the change stands: it is committed already.
/// </para>
/// </summary>
internal sealed class AuditAnchor(IOptions<PolicyOptions> options, ILogger<AuditAnchor> logger) : DbTransactionInterceptor
{
    private readonly string? file = options.Value.Audit.AnchorFile is { Length: > 0 } path ? Path.GetFullPath(path) : null;
    private readonly Lock writing = new();

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        Anchor(eventData);
    }

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        Anchor(eventData);
        return Task.CompletedTask;
    }

    /// <summary>Reads an anchor file: each line's sequence and hash, in the order written.</summary>
    public static IReadOnlyList<(long Sequence, string Hash)> Read(string path)
    {
        var anchors = new List<(long, string)>();
        foreach (var line in File.ReadLines(path))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 2 && long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
            {
                anchors.Add((sequence, fields[1]));
            }
        }

        return anchors;
    }

    private void Anchor(TransactionEndEventData eventData)
    {
        var head = eventData.Context?.ChangeTracker.Entries<AuditEvent>()
            .Where(e => e.State == Microsoft.EntityFrameworkCore.EntityState.Unchanged)
            .Select(e => e.Entity)
            .MaxBy(e => e.Sequence);
        if (head is null)
        {
            return;
        }

        PolicyLog.AuditHead(logger, head.Sequence, head.Hash);
        if (file is null)
        {
            return;
        }

        try
        {
            var line = string.Create(CultureInfo.InvariantCulture, $"{head.Sequence} {head.Hash} {head.OccurredAt:O}\n");
            lock (writing)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                using var stream = new FileStream(file, FileMode.Append, FileAccess.Write, FileShare.Read, 4096, FileOptions.WriteThrough);
                stream.Write(System.Text.Encoding.ASCII.GetBytes(line));
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            PolicyLog.AuditAnchorFailed(logger, exception, head.Sequence);
        }
    }
}
