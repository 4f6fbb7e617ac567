using AiMesh.Policy.Audit;
using AiMesh.Policy.Keys;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AiMesh.Policy.Store;

/// <summary>
/// What the one-shot commands (<c>migrate</c>, <c>audit verify</c>, <c>secrets rotate</c>) share: the service's own
/// configuration (appsettings, environment, command line) with the "Policy" section bound and validated as the service
/// validates it, and the store opened as the service opens it, audit anchoring included, so a command's audit entries
/// are anchored like the API's.
/// </summary>
internal static class PolicyCommandHost
{
    public static HostApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.Services.AddOptions<PolicyOptions>().Bind(builder.Configuration.GetSection(PolicyOptions.Section));
        builder.Services.AddSingleton<IValidateOptions<PolicyOptions>, PolicyOptionsValidator>();
        return builder;
    }

    /// <summary>A context on the configured store; the caller disposes it.</summary>
    public static PolicyDbContext OpenStore(IServiceProvider services)
    {
        var policy = services.GetRequiredService<IOptions<PolicyOptions>>();
        var options = new DbContextOptionsBuilder<PolicyDbContext>();
        PolicyDatabase.Configure(options, policy.Value.Database);
        options.AddInterceptors(new AuditAnchor(policy, services.GetRequiredService<ILogger<AuditAnchor>>()));
        return new PolicyDbContext(options.Options);
    }
}
