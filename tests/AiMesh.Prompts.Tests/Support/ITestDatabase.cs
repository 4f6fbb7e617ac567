namespace AiMesh.Prompts.Tests.Support;

/// <summary>A real database the shared registry specs run against, one per test class run.</summary>
public interface ITestDatabase
{
    /// <summary>The value of <c>Prompts:Database:Provider</c>.</summary>
    string Provider { get; }

    /// <summary>A healthy database, private to this test class run.</summary>
    string ConnectionString { get; }
}
