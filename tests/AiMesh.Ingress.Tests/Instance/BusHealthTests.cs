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
        var health = new BusHealth(instance, Patience(TimeSpan.FromSeconds(10)));
        Assert.True(health.IsHealthy);

        health.SendFailed();

        Assert.False(health.IsHealthy);
    }

    [Fact]
    public void One_slow_send_does_not_give_up_on_the_answers_already_on_their_way()
    {
        var health = new BusHealth(Ready(), Patience(TimeSpan.FromSeconds(10)));

        health.SendFailed();

        Assert.False(health.AnswersLost);
    }

    [Fact]
    public void Sends_failing_for_the_whole_patience_give_up_on_them_and_one_that_completes_ends_the_outage()
    {
        var health = new BusHealth(Ready(), Patience(TimeSpan.Zero));

        health.SendFailed();
        Assert.True(health.AnswersLost);

        health.SendSucceeded();
        Assert.False(health.AnswersLost);
    }

    [Fact]
    public void The_instance_endpoint_down_for_the_whole_patience_gives_up_on_them_until_it_is_ready_again()
    {
        var instance = Ready();
        var health = new BusHealth(instance, Patience(TimeSpan.Zero));
        Assert.False(health.AnswersLost);

        instance.SetDown();
        Assert.True(health.AnswersLost);

        instance.SetReady(new Uri("loopback://localhost/" + instance.EndpointName));
        Assert.False(health.AnswersLost);
    }

    [Fact]
    public void A_short_endpoint_fault_is_ridden_out()
    {
        var instance = Ready();
        var health = new BusHealth(instance, Patience(TimeSpan.FromSeconds(10)));

        instance.SetDown();

        Assert.False(health.AnswersLost);
    }

    private static IngressInstance Ready()
    {
        var instance = new IngressInstance();
        instance.SetReady(new Uri("loopback://localhost/" + instance.EndpointName));
        return instance;
    }

    private static Microsoft.Extensions.Options.IOptions<IngressOptions> Patience(TimeSpan patience) =>
        Microsoft.Extensions.Options.Options.Create(new IngressOptions { OutagePatience = patience });
}
