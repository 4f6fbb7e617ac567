using System.Text.Json.Nodes;
using AiMesh.Policy.Audit;

namespace AiMesh.Policy.Admin;

internal sealed record AuditEventView(
    long Sequence,
    DateTimeOffset OccurredAt,
    string Actor,
    Guid? OrganizationId,
    string Operation,
    string ObjectType,
    string ObjectId,
    JsonNode? Before,
    JsonNode? After,
    string? ClientAddress,
    string PreviousHash,
    string Hash)
{
    public static AuditEventView Of(AuditEvent e) => new(
        e.Sequence,
        e.OccurredAt,
        e.Actor,
        e.OrganizationId,
        e.Operation,
        e.ObjectType,
        e.ObjectId,
        e.BeforeJson is null ? null : JsonNode.Parse(e.BeforeJson),
        e.AfterJson is null ? null : JsonNode.Parse(e.AfterJson),
        e.ClientAddress,
        e.PreviousHash,
        e.Hash);
}
