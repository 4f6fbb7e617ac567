namespace AiMesh.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Where the real infrastructure is. Defaults match what scripts/infra.sh starts; a service that is not there
/// fails the tests that need it, it never skips them.
/// </summary>
internal static class TestEnvironment
{
    public static string Postgres => Environment.GetEnvironmentVariable("AIMESH_TEST_POSTGRES")
        ?? "Host=127.0.0.1;Port=5432;Username=aimesh;Password=aimesh;Database=aimesh";

    public static Uri RabbitMq => new(Environment.GetEnvironmentVariable("AIMESH_TEST_RABBITMQ") ?? "amqp://guest:guest@127.0.0.1:5672/");

    public static string Redis => Environment.GetEnvironmentVariable("AIMESH_TEST_REDIS") ?? "127.0.0.1:6379";

    /// <summary>The key clients of the test mesh use, and the provider key the router holds.</summary>
    public const string ClientKey = "sk-aimesh-test-client-0123456789abcdef";

    public const string LimitedClientKey = "sk-aimesh-test-limited-0123456789abcdef";

    /// <summary>The bootstrap admin's key (<c>AIMESH_ADMIN_KEY</c>) of every test mesh.</summary>
    public const string AdminKey = "sk-aimesh-test-admin-0123456789abcdef0123456789";

    public const string ProviderKey = "sk-provider-secret-must-stay-in-router-7f3a9c";
}
