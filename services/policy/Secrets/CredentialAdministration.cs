using AiMesh.Contracts.Secrets;
using AiMesh.Hosting.Secrets;
using AiMesh.Policy.Audit;
using AiMesh.Policy.Keys.Administration;
using AiMesh.Policy.Store;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace AiMesh.Policy.Secrets;

/// <summary>
/// Creates, replaces and deletes provider credentials. The value is sealed here under the current master key and
/// never kept: the row, the audit entry (metadata only) and the <see cref="ProviderCredentialChanged"/> event (the
/// value sealed, as stored) are all that remain. Each change and its audit entry commit together; the event follows
/// the commit, and a lost event is covered by the routers' periodic reload.
/// </summary>
internal sealed class CredentialAdministration(
    IDbContextFactory<PolicyDbContext> databases,
    [FromKeyedServices(CredentialSealing.Section)] MasterKeyRing ring,
    IPublishEndpoint publish,
    TimeProvider time,
    ILogger<CredentialAdministration> logger)
{
    public bool IsConfigured => ring.IsConfigured;

    public async Task<AdminResult<ProviderCredentialView>> CreateAsync(string? name, string? value, string? provider, AuditActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var validation = new KeyValidation();
        validation.Text("name", name);
        if (provider is not null)
        {
            validation.Text("provider", provider);
        }

        CheckValue(validation, value);
        if (!validation.IsValid)
        {
            return new(null, AdminFailure.Invalid(validation.Errors));
        }

        var now = Now(time);
        var credential = new ProviderCredential
        {
            Id = NewId.NextGuid(),
            Name = name!,
            Provider = provider,
            Hint = CredentialSealing.Hint(value!),
            Version = 1,
            CreatedAt = now,
            CreatedBy = actor.Name,
            UpdatedAt = now,
            UpdatedBy = actor.Name,
        };
        Seal(credential, value!);
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        db.ProviderCredentials.Add(credential);
        try
        {
            await AuditTrail.SaveAsync(db, actor, Change("credential.create", null, credential), now, cancellationToken);
        }
        catch (DbUpdateException exception) when (UniqueViolation.Is(exception))
        {
            return new(null, AdminFailure.Conflict("A credential with this name already exists."));
        }

        PolicyLog.CredentialChanged(logger, credential.Id, credential.Name, credential.Version, credential.KeyId);
        await AnnounceAsync(credential, cancellationToken);
        return new(ProviderCredentialView.Of(credential), null);
    }

    public async Task<AdminResult<ProviderCredentialView>> ReplaceValueAsync(Guid id, string? value, AuditActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var validation = new KeyValidation();
        CheckValue(validation, value);
        if (!validation.IsValid)
        {
            return new(null, AdminFailure.Invalid(validation.Errors));
        }

        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await using var transaction = await AuditTrail.BeginAsync(db, cancellationToken);
        var credential = await db.ProviderCredentials.AsTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (credential is null)
        {
            return new(null, AdminFailure.NotFound);
        }

        var before = ProviderCredentialView.Of(credential);
        var now = Now(time);
        Seal(credential, value!);
        credential.Hint = CredentialSealing.Hint(value!);
        credential.Version++;
        credential.UpdatedAt = now;
        credential.UpdatedBy = actor.Name;
        await AuditTrail.SaveAsync(db, actor, Change("credential.set_value", before, credential), now, cancellationToken);
        PolicyLog.CredentialChanged(logger, credential.Id, credential.Name, credential.Version, credential.KeyId);
        await AnnounceAsync(credential, cancellationToken);
        return new(ProviderCredentialView.Of(credential), null);
    }

    public async Task<AdminFailure?> DeleteAsync(Guid id, AuditActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await using var transaction = await AuditTrail.BeginAsync(db, cancellationToken);
        var credential = await db.ProviderCredentials.AsTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (credential is null)
        {
            return AdminFailure.NotFound;
        }

        var before = ProviderCredentialView.Of(credential);
        db.ProviderCredentials.Remove(credential);
        await AuditTrail.SaveAsync(db, actor, new AuditChange("credential.delete", "provider_credential", id.ToString(), null, before, null), Now(time), cancellationToken);
        PolicyLog.CredentialDeleted(logger, credential.Id, credential.Name);
        await PublishAsync(new ProviderCredentialChanged(credential.Id, credential.Name, credential.Version, null, null, true), cancellationToken);
        return null;
    }

    /// <summary>The event for a credential as stored now; also what the rotate command announces.</summary>
    public static ProviderCredentialChanged Changed(ProviderCredential credential) =>
        new(credential.Id, credential.Name, credential.Version, credential.KeyId, credential.Ciphertext, false);

    /// <summary>Now, to the millisecond both stores keep, so what a change answers is what a later read returns.</summary>
    internal static DateTimeOffset Now(TimeProvider time) => DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());

    private static void CheckValue(KeyValidation validation, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            validation.Add("value", "must not be empty.");
        }
        else if (value.Length > CredentialSealing.MaxValueLength)
        {
            validation.Add("value", $"must be at most {CredentialSealing.MaxValueLength} characters.");
        }
        else if (value.Any(char.IsControl) || value.Trim().Length != value.Length)
        {
            // It becomes a request header: a line break would be header injection, surrounding blanks a copy-paste slip.
            validation.Add("value", "must be one line without control characters or surrounding blanks.");
        }
    }

    private static AuditChange Change(string operation, ProviderCredentialView? before, ProviderCredential after) =>
        new(operation, "provider_credential", after.Id.ToString(), null, before, ProviderCredentialView.Of(after));

    private void Seal(ProviderCredential credential, string value)
    {
        var sealedValue = ring.Seal(value, CredentialSealing.AssociatedData(credential.Id));
        credential.KeyId = sealedValue.KeyId;
        credential.Ciphertext = sealedValue.Ciphertext;
    }

    private Task AnnounceAsync(ProviderCredential credential, CancellationToken cancellationToken) =>
        PublishAsync(Changed(credential), cancellationToken);

    private async Task PublishAsync(ProviderCredentialChanged message, CancellationToken cancellationToken)
    {
        try
        {
            await publish.Publish(message, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException and not OutOfMemoryException)
        {
            // Saved; the routers see it at their next reload. Failing the call now would say it did not happen.
            PolicyLog.ChangeNotAnnounced(logger, exception, nameof(ProviderCredentialChanged));
        }
    }
}
