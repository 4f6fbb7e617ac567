using AiMesh.Hosting;
using AiMesh.Policy.Audit;
using AiMesh.Policy.Keys;
using AiMesh.Policy.Store;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AiMesh.Policy.Admin;

/// <summary>
/// The first admin. When <see cref="AdminOptions.BootstrapKey"/> is set and no admin user exists yet, creates the
/// organization <c>default</c> (unless one by that name exists), the admin user <c>admin</c> in it and a key whose
/// stored hash is the SHA-256 of the configured secret (the secret itself is never stored or logged). Idempotent:
/// once any admin exists it does nothing. Two replicas starting together serialize on the database's write lock
/// (PostgreSQL: a transaction-scoped advisory lock; SQLite: <c>BEGIN IMMEDIATE</c>), and the unique user email and
/// key hash would refuse a second copy anyway.
/// </summary>
internal sealed class BootstrapAdmin(
    IOptions<AdminOptions> options,
    IOptions<PolicyOptions> policy,
    SchemaState schema,
    IDbContextFactory<PolicyDbContext> databases,
    StoredKeys cache,
    ILogger<BootstrapAdmin> logger,
    TimeProvider time) : RetryingStartup(time)
{
    public const string OrganizationName = "default";
    public const string UserName = "admin";
    public const string DisplayPrefix = "bootstrap";

    private const string PostgresLock =
        "SELECT pg_advisory_xact_lock(hashtextextended('aimesh-policy-bootstrap:' || coalesce(current_schema(), ''), 0))";

    protected override async Task<bool> TryOnceAsync(int attempt, TimeSpan nextDelay, CancellationToken cancellationToken)
    {
        if (options.Value.BootstrapKey is not { Length: > 0 } secret)
        {
            return true;
        }

        if (!schema.IsReady)
        {
            // The schema comes first; its initializer logs why it is not current yet. Try again later.
            return false;
        }

        try
        {
            var keyId = await CreateAsync(secret, cancellationToken);
            if (keyId is { } id)
            {
                await cache.ReloadKeyAsync(id, cancellationToken);
            }

            return true;
        }
        catch (OperationCanceledException) when (IsStopping)
        {
            return false;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            PolicyLog.BootstrapAdminFailed(logger, exception, attempt, nextDelay);
            return false;
        }
    }

    private async Task<Guid?> CreateAsync(string secret, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (DatabaseProviders.IsPostgres(policy.Value.Database.Provider))
        {
            await db.Database.ExecuteSqlRawAsync(PostgresLock, cancellationToken);
        }

        var hash = KeyRing.HashOf(secret);
        if (await db.Users.AnyAsync(u => u.Role == Roles.Admin, cancellationToken) ||
            await db.VirtualKeys.AnyAsync(k => k.KeyHash == hash, cancellationToken))
        {
            PolicyLog.BootstrapAdminExists(logger);
            return null;
        }

        var now = Time.GetUtcNow();
        var organization = await db.Organizations.FirstOrDefaultAsync(o => o.Name == OrganizationName, cancellationToken);
        if (organization is null)
        {
            organization = new Organization { Id = NewId.NextGuid(), Name = OrganizationName, CreatedAt = now };
            db.Organizations.Add(organization);
        }

        var user = new User { Id = NewId.NextGuid(), OrganizationId = organization.Id, Email = UserName, Role = Roles.Admin, CreatedAt = now };
        var key = new VirtualKey
        {
            Id = NewId.NextGuid(),
            KeyHash = hash,

            // Not the secret's first characters: an operator's secret has no public prefix to show.
            DisplayPrefix = DisplayPrefix,
            OrganizationId = organization.Id,
            OwnerUserId = user.Id,
            Models = ["*"],
            Status = KeyStatus.Enabled,
            CreatedAt = now,
            CreatedBy = "bootstrap",
            UpdatedAt = now,
        };
        db.Users.Add(user);
        db.VirtualKeys.Add(key);
        await AuditTrail.AppendAsync(
            db,
            "bootstrap",
            new AuditChange("admin.bootstrap", "user", user.Id.ToString(), organization.Id, null, new { User = UserView.Of(user), Key = Keys.Administration.KeyView.Of(key) }),
            now,
            cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        PolicyLog.BootstrapAdminCreated(logger, user.Id, organization.Id, key.Id);
        return key.Id;
    }
}
