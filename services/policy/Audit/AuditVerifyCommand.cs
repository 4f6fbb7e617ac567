using AiMesh.Policy.Keys;
using AiMesh.Policy.Store;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AiMesh.Policy.Audit;

/// <summary>
/// <c>dotnet AiMesh.Policy.dll audit verify</c> (<c>./aimesh policy audit-verify</c>): checks the whole audit trail
/// with the service's own configuration, against the anchors in <c>Policy:Audit:AnchorFile</c> when one is configured
/// (another file: <c>--Policy:Audit:AnchorFile=&lt;path&gt;</c>); prints every broken entry by sequence number and
/// exits 1, or prints the number of entries and the latest hash and exits 0. A configured anchor file that is missing
/// while the trail has entries is a finding too (removing it would otherwise hide a cut). Exit 2 when the
/// configuration is invalid or the store or the anchor file cannot be read. It only reads.
/// </summary>
internal static class AuditVerifyCommand
{
    public static readonly string[] Name = ["audit", "verify"];

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter errors)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(errors);
        using var host = PolicyCommandHost.CreateBuilder(args).Build();
        PolicyOptions policy;
        try
        {
            policy = host.Services.GetRequiredService<IOptions<PolicyOptions>>().Value;
        }
        catch (OptionsValidationException invalid)
        {
            await errors.WriteLineAsync($"aimesh-policy audit verify: {invalid.Message}");
            return 2;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(30));
        try
        {
            await using var db = PolicyCommandHost.OpenStore(host.Services);
            var anchorFile = policy.Audit.AnchorFile is { Length: > 0 } path ? Path.GetFullPath(path) : null;
            var anchors = anchorFile is not null && File.Exists(anchorFile) ? AuditAnchor.Read(anchorFile) : [];
            var (entries, found) = await AuditVerifier.VerifyAsync(db, anchors, timeout.Token);
            var findings = found.ToList();
            if (anchorFile is not null && !File.Exists(anchorFile) && entries > 0)
            {
                findings.Add(new AuditFinding(0, $"the anchor file {anchorFile} is missing, so a cut off the trail's end cannot be ruled out"));
            }

            foreach (var finding in findings)
            {
                await output.WriteLineAsync($"aimesh-policy audit verify: {finding}");
            }

            if (findings.Count > 0)
            {
                await output.WriteLineAsync($"aimesh-policy audit verify: {findings.Count} problems in {entries} entries.");
                return 1;
            }

            var head = await db.AuditEvents.OrderByDescending(e => e.Sequence).Select(e => e.Hash).FirstOrDefaultAsync(timeout.Token);
            var against = anchorFile is null ? "no anchor file configured" : $"{anchors.Count} anchors checked";
            await output.WriteLineAsync($"aimesh-policy audit verify: {entries} entries, chain intact ({against}); latest hash {head ?? AuditHash.Genesis}.");
            return 0;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // The exception's type and message only: a connection string (and its password) is never printed.
            await errors.WriteLineAsync($"aimesh-policy audit verify: failed: {exception.GetType().Name}: {exception.Message}");
            return 2;
        }
    }
}
