using AiMesh.Metering.Configuration;
using AiMesh.Metering.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AiMesh.Metering.Tests;

public sealed class MeteringOptionsSpecs
{
    [Fact]
    public void Without_a_Metering_section_the_store_is_the_embedded_SQLite_file()
    {
        using var host = MeteringTestHost.Build(new Dictionary<string, string?>(), out _);

        var options = host.Services.GetRequiredService<IOptions<MeteringOptions>>().Value;

        Assert.Equal("Sqlite", options.Database.Provider);
        Assert.Equal("Data Source=data/aimesh-metering.db", options.Database.ConnectionString);
        Assert.Equal((TimeSpan.FromDays(30), TimeSpan.FromHours(1)), (options.Bodies.Retention, options.Bodies.SweepInterval));
        Assert.Equal((TimeSpan.FromDays(90), TimeSpan.FromHours(1)), (options.Shadow.Retention, options.Shadow.SweepInterval));
    }

    [Fact]
    public void A_shadow_retention_of_no_time_and_a_sweep_of_no_interval_are_refused_together_with_their_section_named()
    {
        var result = new MeteringOptionsValidator().Validate(null, new MeteringOptions { Shadow = { Retention = TimeSpan.Zero, SweepInterval = TimeSpan.Zero } });

        Assert.False(result.Succeeded);
        Assert.Contains(result.Failures!, f => f.StartsWith("Metering:Shadow:", StringComparison.Ordinal) && f.Contains("Retention", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("Metering:Shadow:", StringComparison.Ordinal) && f.Contains("SweepInterval", StringComparison.Ordinal));
    }

    [Fact]
    public void A_body_retention_of_no_time_is_refused_with_its_section_named()
    {
        var result = new MeteringOptionsValidator().Validate(null, new MeteringOptions { Bodies = { Retention = TimeSpan.Zero } });

        Assert.False(result.Succeeded);
        Assert.Contains(result.Failures!, f => f.StartsWith("Metering:Bodies:", StringComparison.Ordinal) && f.Contains("Retention", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("-00:00:01")]
    [InlineData("00:00:05")]
    public void A_feedback_wait_outside_zero_to_four_seconds_is_refused(string wait)
    {
        var result = new MeteringOptionsValidator().Validate(null, new MeteringOptions { FeedbackWait = TimeSpan.Parse(wait, System.Globalization.CultureInfo.InvariantCulture) });

        Assert.False(result.Succeeded);
        Assert.Contains(result.Failures!, f => f.StartsWith("Metering:FeedbackWait", StringComparison.Ordinal));
        Assert.True(new MeteringOptionsValidator().Validate(null, new MeteringOptions()).Succeeded, "the default (3 s) is valid");
    }

    [Fact]
    public async Task An_unknown_provider_and_a_missing_connection_string_fail_the_start_together()
    {
        using var host = MeteringTestHost.Build(new Dictionary<string, string?>
        {
            ["Metering:Database:Provider"] = "Mongo",
            ["Metering:Database:ConnectionString"] = "",
        }, out _);

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(failure.Failures, f => f.Contains("'Mongo' is not known", StringComparison.Ordinal));
        Assert.Contains(failure.Failures, f => f.Contains("ConnectionString", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("SQLite")]
    public void Provider_names_are_not_case_sensitive(string provider)
    {
        var result = new MeteringOptionsValidator().Validate(null, new MeteringOptions { Database = { Provider = provider } });

        Assert.True(result.Succeeded, result.FailureMessage);
    }
}
