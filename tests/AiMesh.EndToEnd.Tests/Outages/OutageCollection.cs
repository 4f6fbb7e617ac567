namespace AiMesh.EndToEnd.Tests.Outages;

/// <summary>
/// The outage tests share one <see cref="OutageMesh"/> and run one after the other: each cuts a part of it, and one
/// mesh costs the machine less than three. Each test asserts only on the requests it sent.
/// </summary>
[CollectionDefinition(Name)]
public sealed class OutageCollection : ICollectionFixture<OutageMesh>
{
    public const string Name = "outages";
}
