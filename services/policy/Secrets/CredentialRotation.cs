using AiMesh.Hosting.Secrets;
using AiMesh.Policy.Audit;
using AiMesh.Policy.Store;
using Microsoft.EntityFrameworkCore;

namespace AiMesh.Policy.Secrets;

/// <summary>
/// Re-encrypts every provider credential not sealed under the current master key, in one transaction with an audit
/// entry per row (metadata only). Idempotent: a second run finds nothing to do. A row that no configured key opens is
/// reported by id and left as it is; the others are still re-encrypted (holding them back would not help it).
/// </summary>
internal static class CredentialRotation
{
    public const string Actor = "command:secrets-rotate";

    public static async Task<RotationReport> RotateAsync(PolicyDbContext db, MasterKeyRing ring, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(ring);
        var current = ring.CurrentKeyId ?? throw new InvalidOperationException("No master key is configured.");
        await using var transaction = await AuditTrail.BeginAsync(db, cancellationToken);
        var alreadyCurrent = await db.ProviderCredentials.CountAsync(c => c.KeyId == current, cancellationToken);
        var stale = await db.ProviderCredentials.AsTracking().Where(c => c.KeyId != current).OrderBy(c => c.Id).ToListAsync(cancellationToken);
        var unreadable = new List<(Guid, string)>();
        var rotated = 0;
        var now = CredentialAdministration.Now(time);
        foreach (var credential in stale)
        {
            var associatedData = CredentialSealing.AssociatedData(credential.Id);
            if (!ring.TryOpen(new SealedSecret(credential.KeyId, credential.Ciphertext), associatedData, out var value))
            {
                unreadable.Add((credential.Id, credential.KeyId));
                continue;
            }

            var before = ProviderCredentialView.Of(credential);
            var resealed = ring.Seal(value, associatedData);
            credential.KeyId = resealed.KeyId;
            credential.Ciphertext = resealed.Ciphertext;
            credential.Version++;
            credential.UpdatedAt = now;
            credential.UpdatedBy = Actor;
            await AuditTrail.AppendAsync(
                db, Actor, new AuditChange("credential.reencrypt", "provider_credential", credential.Id.ToString(), null, before, ProviderCredentialView.Of(credential)),
                now, cancellationToken);

            // Each entry chains to the one before: saved one by one, inside the one transaction.
            await db.SaveChangesAsync(cancellationToken);
            rotated++;
        }

        await transaction.CommitAsync(cancellationToken);
        return new RotationReport(rotated, alreadyCurrent, unreadable);
    }
}
