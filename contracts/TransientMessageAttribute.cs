namespace AiMesh.Contracts;

/// <summary>
/// Marks a message that belongs to one request a client is waiting for: the broker keeps it in memory only
/// (non-persistent), and a broker restart loses it. That is the right ending for such a message: the waiting side
/// times out and answers the client, while a persisted copy would be redelivered after the restart and run a
/// provider call whose answer nobody can receive any more. Messages without the attribute (usage, integration
/// events) are persistent.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class TransientMessageAttribute : Attribute;
