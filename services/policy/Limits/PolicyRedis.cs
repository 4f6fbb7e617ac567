using StackExchange.Redis;

namespace AiMesh.Policy.Limits;

/// <summary>
/// The policy replica's one connection to Redis, shared by the rate limits and the budget reservations.
/// <para>
/// It is made while the service starts (<see cref="LimitStoreWarmup"/> resolves it), never on a request: a
/// multiplexer's connect is synchronous, and made inside the first decision's dependency resolution it held every
/// concurrent first decision behind one lock while the thread pool grew (seen: a cold replica's first burst of 16
/// all answered together after 4.4 s, past the saga's policy timeout under CI load).
/// </para>
/// Not waiting for Redis beyond the connect timeout, and never failing the start on it: a Redis that is down is a
/// fallback the rules chose, and the multiplexer reconnects by itself.
/// </summary>
internal sealed class PolicyRedis(IConnectionMultiplexer connection)
{
    public IConnectionMultiplexer Connection { get; } = connection;

    public static PolicyRedis Connect(LimitOptions settings)
    {
        var redis = ConfigurationOptions.Parse(settings.Redis!);
        redis.AbortOnConnectFail = false;
        redis.ConnectTimeout = (int)settings.StoreTimeout.TotalMilliseconds * 4;
        redis.SyncTimeout = redis.AsyncTimeout = (int)Math.Max(settings.StoreTimeout.TotalMilliseconds, 100);
        return new PolicyRedis(ConnectionMultiplexer.Connect(redis));
    }
}
