using System.Diagnostics;
using System.Security.Cryptography;
using AiMesh.Hosting;
using AiMesh.Hosting.Streams;
using AiMesh.Metering;
using AiMesh.Policy;
using AiMesh.Prompts;
using AiMesh.Router;
using Npgsql;

namespace AiMesh.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The distributed mode: every service its own host with its own broker connection, on RabbitMQ (a virtual host
/// of its own, so runs never see each other's queues) and PostgreSQL (a database of its own), with two replicas
/// of the router and of policy competing on the same queues.
/// </summary>
public class DistributedMesh : MeshFixture
{
    private readonly string _name = "aimesh_e2e_" + Guid.NewGuid().ToString("N")[..12];
    private WebApplication _metering = null!;
    private string[] _meteringArgs = [];

    public override string Transport => "rabbitmq";

    /// <summary>This mesh's RabbitMQ virtual host and PostgreSQL database.</summary>
    protected string Name => _name;

    public IReadOnlyList<WebApplication> Routers { get; private set; } = [];

    public IReadOnlyList<WebApplication> Policies { get; private set; } = [];

    public override Task<IReadOnlyList<UsageRow>> UsageAsync() => MeteringReader.ReadAsync(_metering.Services);

    protected override async Task<Uri> StartMeshAsync(List<string> args)
    {
        await RabbitCtlAsync("add_vhost", _name);
        await RabbitCtlAsync("set_permissions", "-p", _name, TestEnvironment.RabbitMq.UserInfo.Split(':')[0], ".*", ".*", ".*");
        await ExecutePostgresAsync($"CREATE DATABASE {_name}");

        var rabbit = TestEnvironment.RabbitMq;
        var credentials = rabbit.UserInfo.Split(':');
        var (brokerHost, brokerPort) = BrokerEndpoint(rabbit.Host, rabbit.Port);
        args.Add("--Bus:Transport=RabbitMq");
        args.Add($"--Bus:RabbitMq:Host={brokerHost}");
        args.Add($"--Bus:RabbitMq:Port={brokerPort}");
        args.Add($"--Bus:RabbitMq:VirtualHost={_name}");
        args.Add($"--Bus:RabbitMq:Username={credentials[0]}");
        args.Add($"--Bus:RabbitMq:Password={credentials[1]}");
        args.Add("--Metering:Database:Provider=Postgres");

        // Streamed chunks take the direct channel router → ingress, as in a production deployment (compose.yaml).
        args.Add($"--{StreamChannelKey.Variable}={Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))}");
        args.Add($"--Metering:Database:ConnectionString={new NpgsqlConnectionStringBuilder(TestEnvironment.Postgres) { Database = _name }}");

        // Both policy replicas share one store, as deployed (compose.yaml): this test's PostgreSQL database.
        args.Add("--Policy:Database:Provider=Postgres");
        args.Add($"--Policy:Database:ConnectionString={new NpgsqlConnectionStringBuilder(TestEnvironment.Postgres) { Database = _name }}");
        args.Add("--Prompts:Database:Provider=Postgres");
        args.Add($"--Prompts:Database:ConnectionString={new NpgsqlConnectionStringBuilder(TestEnvironment.Postgres) { Database = _name }}");

        string[] With(string service) => [.. args, $"--Mesh:Service={service}"];
        _meteringArgs = [.. With("metering"), .. MeteringArguments()];
        await StartMeteringAsync();
        await StartHostAsync(MeshHost.Build(With("prompts"), "aimesh-prompts", _ => [new PromptsModule()]));
        // Policy believes X-Forwarded-For only from the ingress (here: anything on the loopback).
        string[] policy = [.. With("policy"), "--Policy:Admin:TrustedProxies:0=127.0.0.1", .. PolicyArguments()];
        var policies = new List<WebApplication>();
        for (var i = 0; i < PolicyReplicas; i++)
        {
            policies.Add(await StartHostAsync(MeshHost.Build(policy, "aimesh-policy", _ => [new PolicyModule()])));
        }

        Policies = policies;
        Routers =
        [
            await StartHostAsync(MeshHost.Build([.. With("router"), .. RouterArguments(0)], "aimesh-router", _ => [new RouterModule()])),
            await StartHostAsync(MeshHost.Build([.. With("router"), .. RouterArguments(1)], "aimesh-router", _ => [new RouterModule()])),
        ];
        var ingress = await StartHostAsync(AiMesh.Ingress.Program.BuildApp(
            [.. args, "--Mesh:Embedded=false", $"--Ingress:AdminUpstream={AddressOf(Policies[0])}", .. IngressArguments()]));
        IngressStarted(AddressOf(ingress));
        return AddressOf(ingress);
    }

    /// <summary>How many policy replicas compete on the policy queue.</summary>
    protected virtual int PolicyReplicas => 2;

    /// <summary>Arguments only the policy hosts get; a subclass can add some.</summary>
    protected virtual IEnumerable<string> PolicyArguments() => [];

    /// <summary>Arguments only the metering host gets (they win over the common ones); a subclass can add some.</summary>
    protected virtual IEnumerable<string> MeteringArguments() => [];

    /// <summary>Arguments only router replica <paramref name="replica"/> (0 or 1) gets; a subclass can add some.</summary>
    protected virtual IEnumerable<string> RouterArguments(int replica) => [];

    /// <summary>Arguments only the ingress host gets; a subclass can add some.</summary>
    protected virtual IEnumerable<string> IngressArguments() => [];

    /// <summary>Called with the ingress's address once it listens.</summary>
    protected virtual void IngressStarted(Uri address)
    {
    }

    /// <summary>Stops the metering service: usage records then wait in its queue. (<see cref="UsageAsync"/> cannot be read after.)</summary>
    public Task StopMeteringAsync() => StopHostAsync(_metering);

    /// <summary>
    /// Starts a metering host on this mesh's database and virtual host, with the arguments the first one had, and
    /// waits until it is ready; <see cref="UsageAsync"/> then reads through it.
    /// </summary>
    public async Task StartMeteringAsync()
    {
        _metering = await StartHostAsync(MeshHost.Build(_meteringArgs, "aimesh-metering", _ => [new MeteringModule()]));
        await WaitReadyAsync(AddressOf(_metering));
    }

    /// <summary>The broker closes every connection of this mesh, as it does when it restarts.</summary>
    public Task CloseBrokerConnectionsAsync() => RabbitCtlAsync("close_all_connections", "-p", _name, "broker restart (test)");

    /// <summary>Where the hosts reach the broker; a subclass can put something in between.</summary>
    protected virtual (string Host, int Port) BrokerEndpoint(string host, int port) => (host, port);

    protected override async Task CleanUpAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await ExecutePostgresAsync($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)");
        await RabbitCtlAsync("delete_vhost", _name);
    }

    private static async Task ExecutePostgresAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(TestEnvironment.Postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Messages waiting in the ingress instance's queue (0 when it does not exist).</summary>
    public async Task<int> IngressQueueDepthAsync()
    {
        var listing = await RabbitCtlAsync("list_queues", "-p", _name, "--quiet", "--no-table-headers", "name", "messages");
        return listing.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('\t', ' '))
            .Where(fields => fields.Length >= 2 && fields[0].StartsWith("aimesh-ingress-", StringComparison.Ordinal))
            .Sum(fields => int.TryParse(fields[^1], out var count) ? count : 0);
    }

    /// <summary>Runs <c>rabbitmqctl</c>; its output, or an exception with its error text. Also used by other distributed fixtures.</summary>
    internal static async Task<string> RabbitCtlAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("rabbitmqctl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Bounded: a broker too busy to answer fails the fixture with the command's name instead of hanging the run.
        using var process = Process.Start(start)!;
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var stderr = process.StandardError.ReadToEndAsync(limit.Token);
        string stdout;
        try
        {
            stdout = await process.StandardOutput.ReadToEndAsync(limit.Token);
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"rabbitmqctl {string.Join(' ', arguments)} did not finish within 90 s");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"rabbitmqctl {string.Join(' ', arguments)} failed: {await stderr}");
        }

        return stdout;
    }
}
