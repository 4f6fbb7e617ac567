namespace AiMesh.Metering.Tests.Infrastructure;

/// <summary>A real database the shared metering specs run against, one per test class run.</summary>
public interface ITestDatabase
{
    /// <summary>The value of <c>Metering:Database:Provider</c>.</summary>
    string Provider { get; }

    /// <summary>A healthy database, private to this test class run.</summary>
    string ConnectionString { get; }

    /// <summary>A second database of the same kind that the test can take down and bring back.</summary>
    Task<ISwitchableDatabase> CreateSwitchableAsync(bool up);
}
