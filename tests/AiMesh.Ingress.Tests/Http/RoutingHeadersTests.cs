using System.ComponentModel.DataAnnotations;
using AiMesh.Ingress.Http;
using Microsoft.AspNetCore.Http;

namespace AiMesh.Ingress.Tests.Http;

/// <summary>The headers passed on for the router's rules (<c>Ingress:RoutingHeaders</c>): only those listed, never a credential.</summary>
public sealed class RoutingHeadersTests
{
    [Fact]
    public void Only_listed_headers_join_the_client_headers_named_in_lower_case()
    {
        var request = new HeaderDictionary
        {
            ["X-AiMesh-Route"] = " big ",
            ["x-other"] = "1",
            ["Authorization"] = "Bearer sk-secret",
            ["x-too-long"] = new string('a', RoutingHeaders.MaxValueLength + 1),
        };
        var beta = new Dictionary<string, string> { ["anthropic-beta"] = "tools-2024" };

        var merged = RoutingHeaders.Merge(beta, request, ["x-aimesh-route", "x-absent", "x-too-long"]);

        Assert.Equal(new Dictionary<string, string> { ["anthropic-beta"] = "tools-2024", ["x-aimesh-route"] = "big" }, merged);
        Assert.Same(beta, RoutingHeaders.Merge(beta, request, []));
        Assert.Null(RoutingHeaders.Merge(null, request, ["x-absent"]));
    }

    [Theory]
    [InlineData("Authorization")]
    [InlineData("cookie")]
    [InlineData("x-api-key")]
    [InlineData("x-session-token")]
    [InlineData("x-client-secret")]
    [InlineData(" ")]
    public void A_credential_header_in_the_list_stops_the_start(string name)
    {
        var options = new IngressOptions();
        options.RoutingHeaders.Add("x-aimesh-route");
        options.RoutingHeaders.Add(name);

        var results = new List<ValidationResult>();
        Assert.False(Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true));
        Assert.Contains(results, r => r.ErrorMessage!.Contains("Ingress:RoutingHeaders", StringComparison.Ordinal));

        var allowed = new IngressOptions();
        allowed.RoutingHeaders.Add("x-aimesh-route");
        Assert.True(Validator.TryValidateObject(allowed, new ValidationContext(allowed), [], validateAllProperties: true));
    }
}
