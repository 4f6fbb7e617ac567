using AiMesh.Hosting.Limits;
using AiMesh.Router.Configuration;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AiMesh.Router.Deployments;

/// <summary>
/// Where deployment limits are counted: this replica's memory always (also the fallback), and Redis when
/// <c>Router:Limits:Store</c> is <c>Redis</c>. The connection is made once, at start (<see cref="DeploymentLimitWarmup"/>),
/// never inside a call; it does not abort when Redis is down then, and reconnects by itself.
/// </summary>
internal sealed class DeploymentLimitStores : IDisposable
{
    private readonly ConnectionMultiplexer? connection;

    public DeploymentLimitStores(IOptions<RouterOptions> options)
    {
        var settings = options.Value.Limits;
        if (settings.IsShared && settings.Redis is { } redis)
        {
            var configuration = ConfigurationOptions.Parse(redis);
            configuration.AbortOnConnectFail = false;
            connection = ConnectionMultiplexer.Connect(configuration);
            Shared = new RedisLimitStore(connection, settings.RedisPrefix);
        }
    }

    public MemoryLimitStore Local { get; } = new();

    /// <summary>Null when counters are not shared.</summary>
    public ILimitStore? Shared { get; }

    public void Dispose() => connection?.Dispose();
}
