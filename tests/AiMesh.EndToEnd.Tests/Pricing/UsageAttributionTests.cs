using System.Net;
using System.Text.Json;
using AiMesh.EndToEnd.Tests.Infrastructure;

namespace AiMesh.EndToEnd.Tests.Pricing;

/// <summary>Who a usage event is charged to: the key's team from policy, and the caller's tags from the body and the header.</summary>
public sealed class UsageAttributionTests(PricingMesh mesh) : IClassFixture<PricingMesh>
{
    [Fact]
    public async Task The_keys_team_and_the_callers_tags_are_metered_and_the_team_reaches_finance()
    {
        var request = Sse.Post(mesh.Ingress, "v1/chat/completions",
            """{"model":"gpt-4o-mini","metadata":{"project":"apollo"},"messages":[{"role":"user","content":"echo: whose"}]}""", key: PricingMesh.TeamKey);
        request.Headers.Add("x-aimesh-tags", "env=prod, project=ignored");
        using var response = await mesh.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var requestId = Guid.Parse(response.Headers.GetValues("x-request-id").Single());

        UsageRow? row = null;
        for (var i = 0; i < 200 && row is null; i++)
        {
            row = (await mesh.UsageAsync()).FirstOrDefault(u => u.RequestId == requestId);
            await Task.Delay(row is null ? 50 : 0);
        }

        Assert.Equal(("research-app", "research"), (row!.PrincipalId, row.TeamId));
        Assert.Equal(new Dictionary<string, string> { ["env"] = "prod", ["project"] = "apollo" }, JsonSerializer.Deserialize<Dictionary<string, string>>(row.Tags!));
        AiMesh.Contracts.Integration.UsageMetered? metered = null;
        for (var i = 0; i < 200 && metered is null; i++)
        {
            metered = mesh.Metered.FirstOrDefault(m => m.RequestId == requestId);
            await Task.Delay(metered is null ? 50 : 0);
        }

        Assert.Equal("research", metered!.TeamId);
    }

    [Fact]
    public async Task A_malformed_tags_header_is_refused_before_anything_is_metered()
    {
        var request = Sse.Post(mesh.Ingress, "v1/chat/completions", """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"x"}]}""");
        request.Headers.Add("x-aimesh-tags", "no-equals-sign");
        using var response = await mesh.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal("x-aimesh-tags", error.GetProperty("param").GetString());
        var requestId = Guid.Parse(response.Headers.GetValues("x-request-id").Single());
        Assert.DoesNotContain(await mesh.UsageAsync(), u => u.RequestId == requestId);
    }
}
