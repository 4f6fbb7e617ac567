namespace AiMesh.Policy.Store;

/// <summary>A stored object named by one <see cref="Guid"/> id, so the admin API can page and find any of them the same way.</summary>
internal interface IIdentified
{
    Guid Id { get; }
}
