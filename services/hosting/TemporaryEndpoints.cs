using MassTransit;

namespace AiMesh.Hosting;

/// <summary>
/// What makes a receive endpoint temporary on each transport, for code that builds an endpoint pipeline itself
/// (the ingress's in-process saga inbox) and must end up with the same address as the endpoint MassTransit declared
/// from <c>Temporary = true</c>. Kept here so services stay transport-neutral.
/// </summary>
public static class TemporaryEndpoints
{
    /// <summary>Applies the settings MassTransit 8.4 applies for a temporary endpoint definition (RabbitMqHostConfiguration.ApplyEndpointDefinition).</summary>
    public static void Apply(IReceiveEndpointConfigurator configurator)
    {
        ArgumentNullException.ThrowIfNull(configurator);
        if (configurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.QueueExpiration = TimeSpan.FromMinutes(1);
            rabbit.AutoDelete = true;
            rabbit.Durable = false;
        }
    }
}
