namespace AiMesh.Policy.Store;

/// <summary>A stored object that belongs directly to one organization (its tenant).</summary>
internal interface IOrganizationOwned : IIdentified
{
    Guid OrganizationId { get; }
}
