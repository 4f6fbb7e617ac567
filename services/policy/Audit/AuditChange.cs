namespace AiMesh.Policy.Audit;

/// <summary>What changed: an operation (<c>key.revoke</c>) on an object, with views of it before and after (null when it did not exist / no longer does).</summary>
internal sealed record AuditChange(string Operation, string ObjectType, string ObjectId, Guid? OrganizationId, object? Before, object? After);
