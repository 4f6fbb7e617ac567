using AiMesh.Contracts.Integration;

namespace AiMesh.Metering.Tests.Infrastructure;

/// <summary>One publish of UsageMetered, with the MessageId it went out with.</summary>
internal sealed record PublishedUsage(UsageMetered Message, Guid? MessageId);
