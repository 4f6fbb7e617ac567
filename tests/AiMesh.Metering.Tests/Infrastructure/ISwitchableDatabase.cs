namespace AiMesh.Metering.Tests.Infrastructure;

/// <summary>A database a test can make unreachable and reachable again, for outage scenarios.</summary>
public interface ISwitchableDatabase : IAsyncDisposable
{
    string ConnectionString { get; }

    Task GoDownAsync();

    Task ComeUpAsync();
}
