using AiMesh.Ingress.Instance;
using MassTransit;

namespace AiMesh.Ingress.Tests.Instance;

public sealed class BusHealthTests
{
    [Fact]
    public void A_timed_out_send_or_a_lost_connection_is_a_broker_failure()
    {
        Assert.True(BusHealth.IsBrokerFailure(new TimeoutException()));
        Assert.True(BusHealth.IsBrokerFailure(new RabbitMqConnectionException("connection lost")));
    }

    [Fact]
    public void A_transition_that_throws_for_another_reason_is_not()
    {
        // What MassTransit 8.4's in-memory saga repository throws when an abandonment races its saga's removal.
        Assert.False(BusHealth.IsBrokerFailure(NullReference()));
        Assert.False(BusHealth.IsBrokerFailure(new InvalidOperationException()));
    }

    private static Exception NullReference()
    {
        try
        {
            object? nothing = null;
            _ = nothing!.ToString();
            return new InvalidOperationException("unreachable");
        }
        catch (NullReferenceException exception)
        {
            return exception;
        }
    }

    [Fact]
    public void One_broker_failure_turns_requests_away_until_the_circuit_closes()
    {
        var instance = new IngressInstance();
        instance.SetReady(new Uri("loopback://localhost/" + instance.EndpointName));
        var health = new BusHealth(instance);
        Assert.True(health.IsHealthy);

        health.SendFailed();

        Assert.False(health.IsHealthy);
    }
}
