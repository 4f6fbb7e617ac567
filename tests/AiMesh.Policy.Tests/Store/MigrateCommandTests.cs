namespace AiMesh.Policy.Tests.Store;

public sealed class MigrateCommandTests
{
    [Fact]
    public async Task The_migrate_command_exits_1_when_the_database_cannot_be_reached()
    {
        // Port 1 on loopback refuses connections at once.
        var exit = await Program.Main(["migrate", "--Policy:Database:Provider=Postgres",
            "--Policy:Database:ConnectionString=Host=127.0.0.1;Port=1;Username=x;Password=y;Database=z;Timeout=2"]);

        Assert.Equal(1, exit);
    }

    [Fact]
    public async Task The_migrate_command_exits_1_on_an_unknown_provider()
    {
        Assert.Equal(1, await Program.Main(["migrate", "--Policy:Database:Provider=Mongo"]));
    }
}
