using System.Text.Json.Nodes;
using AiMesh.Policy.Tests.Support;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace AiMesh.Policy.Tests.Admin;

/// <summary>The OpenAPI document at /admin/openapi.json is generated from the code: every admin route the host maps is in it.</summary>
public sealed class AdminOpenApiTests
{
    [Fact]
    public async Task The_document_lists_every_admin_route_with_its_method_and_needs_no_key()
    {
        await using var host = await AdminHost.StartAsync();
        using var anonymous = host.Client(null);

        var document = JsonNode.Parse(await anonymous.GetStringAsync("/admin/openapi.json"))!.AsObject();

        var paths = document["paths"]!.AsObject();
        var routes = host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.StartsWith("/admin/", StringComparison.Ordinal) && !e.RoutePattern.RawText.Contains("openapi", StringComparison.Ordinal))
            .SelectMany(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods.Select(m => (Path: e.RoutePattern.RawText!.TrimEnd('/'), Method: m.ToLowerInvariant())))
            .ToList();
        Assert.True(routes.Count >= 25, $"only {routes.Count} admin routes found");
        foreach (var (path, method) in routes)
        {
            Assert.True(paths[path]?[method] is not null, $"{method} {path} is not in the document");
        }

        Assert.Equal(routes.Count, paths.Sum(p => p.Value!.AsObject().Count(o => o.Key is "get" or "post" or "put" or "patch" or "delete")));
        Assert.Equal("AiMesh admin API", document["info"]!["title"]!.GetValue<string>());
        Assert.NotNull(paths["/admin/keys"]!["post"]!["requestBody"]);
        Assert.NotNull(paths["/admin/keys/{id}"]!["get"]!["responses"]!["404"]);
    }
}
