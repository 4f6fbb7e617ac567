using AiMesh.Policy.Store;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AiMesh.Policy.Tests.Support;

/// <summary>One organization with a team, a user in it and a service account of the team, written straight to the store.</summary>
internal sealed record Tenant(Guid OrganizationId, Guid TeamId, Guid UserId, Guid ServiceAccountId)
{
    public static async Task<Tenant> CreateAsync(IServiceProvider services, string name = "acme")
    {
        var tenant = new Tenant(NewId.NextGuid(), NewId.NextGuid(), NewId.NextGuid(), NewId.NextGuid());
        var now = DateTimeOffset.UtcNow;
        var factory = services.GetRequiredService<IDbContextFactory<PolicyDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        db.Organizations.Add(new Organization { Id = tenant.OrganizationId, Name = $"{name}-{tenant.OrganizationId:N}", CreatedAt = now });
        db.Teams.Add(new Team { Id = tenant.TeamId, OrganizationId = tenant.OrganizationId, Name = "platform", CreatedAt = now });
        db.Users.Add(new User { Id = tenant.UserId, OrganizationId = tenant.OrganizationId, Email = $"ada-{tenant.UserId:N}@example.com", Role = Roles.Member, CreatedAt = now });
        db.TeamMemberships.Add(new TeamMembership { UserId = tenant.UserId, TeamId = tenant.TeamId });
        db.ServiceAccounts.Add(new ServiceAccount { Id = tenant.ServiceAccountId, TeamId = tenant.TeamId, Name = "ci", CreatedAt = now });
        await db.SaveChangesAsync();
        return tenant;
    }
}
