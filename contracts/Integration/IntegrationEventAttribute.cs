namespace AiMesh.Contracts.Integration;

/// <summary>
/// Marks a message that leaves the mesh (consumed by systems other teams own, e.g. finance). Such messages
/// change only by adding optional members; anything else ships as a new type with a new version suffix.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class IntegrationEventAttribute(int version) : Attribute
{
    public int Version { get; } = version;
}
