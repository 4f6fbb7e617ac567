using AiMesh.Contracts.Secrets;
using AiMesh.Hosting.Secrets;
using AiMesh.Policy.Store;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace AiMesh.Policy.Secrets;

/// <summary>
/// Answers a router replica's <see cref="GetProviderCredentials"/> with the named credentials exactly as stored:
/// sealed. Policy opens nothing here; without a master key it answers <c>Available: false</c>.
/// </summary>
internal sealed class GetProviderCredentialsConsumer(
    IDbContextFactory<PolicyDbContext> databases,
    [FromKeyedServices(CredentialSealing.Section)] MasterKeyRing ring) : IConsumer<GetProviderCredentials>
{
    private const int MaxNames = 1000;

    public async Task Consume(ConsumeContext<GetProviderCredentials> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Message;
        if (!ring.IsConfigured)
        {
            await context.RespondAsync(new ProviderCredentialsListed(request.RequestId, [], Available: false));
            return;
        }

        var names = (request.Names ?? []).Distinct(StringComparer.Ordinal).Take(MaxNames).ToList();
        await using var db = await databases.CreateDbContextAsync(context.CancellationToken);
        var found = await db.ProviderCredentials
            .Where(c => names.Contains(c.Name))
            .Select(c => new SealedProviderCredential(c.Id, c.Name, c.Version, c.KeyId, c.Ciphertext))
            .ToListAsync(context.CancellationToken);
        await context.RespondAsync(new ProviderCredentialsListed(request.RequestId, found));
    }
}
