using AiMesh.EndToEnd.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Npgsql;

namespace AiMesh.EndToEnd.Tests.Outages;

/// <summary>
/// The distributed mesh with what the outage tests cut behind <see cref="TcpProxy"/>s, since PostgreSQL, RabbitMQ and
/// Redis are shared with the tests running beside them and must not be stopped: metering's database connection
/// (<see cref="MeteringDatabase"/>) and broker connection (<see cref="MeteringBroker"/>), and the policy replicas'
/// Redis (<see cref="PolicyRedis"/>). Policy shares its rate-limit counters in Redis under a prefix of this mesh's own,
/// with one rule per store-down choice, each on a key of its own.
/// </summary>
public sealed class OutageMesh : DistributedMesh
{
    /// <summary>Requests a minute the <see cref="LocalKey"/> may make across both policy replicas.</summary>
    public const int LocalKeyPerMinute = 20;

    public const string LocalKey = "sk-aimesh-test-outage-local-0123456789abcdef";
    public const string ClosedKey = "sk-aimesh-test-outage-closed-0123456789abcdef";
    public const string OpenKey = "sk-aimesh-test-outage-open-0123456789abcdef";

    private readonly string prefix = "e2e-" + Guid.NewGuid().ToString("N")[..12];

    public TcpProxy MeteringDatabase { get; } = new(new NpgsqlConnectionStringBuilder(TestEnvironment.Postgres).Host!, new NpgsqlConnectionStringBuilder(TestEnvironment.Postgres).Port);

    public TcpProxy MeteringBroker { get; } = new(TestEnvironment.RabbitMq.Host, TestEnvironment.RabbitMq.Port);

    public TcpProxy PolicyRedis { get; } = new(TestEnvironment.Redis.Split(':')[0], int.Parse(TestEnvironment.Redis.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The policy replicas' addresses, for their <c>/metrics</c>.</summary>
    public IEnumerable<Uri> PolicyAddresses => Policies.Select(p => new Uri(p.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()));

    protected override IEnumerable<string> MeteringArguments() =>
    [
        // EF Core logs every failed connection of an outage as an error: thousands of lines that say nothing new.
        "--Logging:LogLevel:Microsoft.EntityFrameworkCore=None",
        "--Bus:RabbitMq:Host=127.0.0.1",
        $"--Bus:RabbitMq:Port={MeteringBroker.Port}",
        $"--Metering:Database:ConnectionString={new NpgsqlConnectionStringBuilder(TestEnvironment.Postgres) { Database = Name, Host = "127.0.0.1", Port = MeteringDatabase.Port }}",
    ];

    protected override IEnumerable<string> PolicyArguments() =>
    [
        "--Policy:Limits:Store=Redis",
        $"--Policy:Limits:Redis=127.0.0.1:{PolicyRedis.Port}",
        $"--Policy:Limits:RedisPrefix={prefix}",
        "--Policy:Limits:Replicas=2",

        // A loaded test machine can take longer than the production 250 ms to answer; a fallback while Redis is up would
        // blur what the outage shows.
        "--Policy:Limits:StoreTimeout=00:00:01",
        .. Key(2, "outage-local", LocalKey),
        .. Key(3, "outage-closed", ClosedKey),
        .. Key(4, "outage-open", OpenKey),
        .. Rule(0, "outage-local", "Local", LocalKeyPerMinute),
        .. Rule(1, "outage-closed", "Closed", 100_000),
        .. Rule(2, "outage-open", "Open", 100_000),
    ];

    /// <summary>Messages in one of this mesh's queues, ready or delivered and not yet acknowledged.</summary>
    public async Task<int> MessagesAsync(string queue)
    {
        var listing = await RabbitCtlAsync("list_queues", "-p", Name, "--quiet", "--no-table-headers", "name", "messages");
        return listing.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('\t', ' '))
            .Where(fields => fields.Length >= 2 && fields[0] == queue)
            .Sum(fields => int.Parse(fields[^1], System.Globalization.CultureInfo.InvariantCulture));
    }

    protected override async Task CleanUpAsync()
    {
        await MeteringDatabase.DisposeAsync();
        await MeteringBroker.DisposeAsync();
        await PolicyRedis.DisposeAsync();
        await base.CleanUpAsync();
    }

    private static string[] Key(int index, string id, string secret) =>
    [
        $"--Policy:Keys:{index}:Id={id}",
        $"--Policy:Keys:{index}:Principal={id}-app",
        $"--Policy:Keys:{index}:Sha256={MeshConfiguration.Sha256(secret)}",
        $"--Policy:Keys:{index}:Models:0=gpt-4o-mini",
    ];

    private static string[] Rule(int index, string keyId, string onStoreDown, int perMinute) =>
    [
        $"--Policy:Limits:Rules:{index}:Scope=Key",
        $"--Policy:Limits:Rules:{index}:Match={keyId}",
        $"--Policy:Limits:Rules:{index}:RequestsPerMinute={perMinute}",
        $"--Policy:Limits:Rules:{index}:OnStoreDown={onStoreDown}",
    ];
}
