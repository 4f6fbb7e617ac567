using AiMesh.Router.Configuration;
using AiMesh.Router.Deployments;
using AiMesh.Router.Tests.Support;

namespace AiMesh.Router.Tests.Routing;

/// <summary>A deployment's region tags and the filter every candidate lookup applies (services/router/Deployments/RegionFilter.cs).</summary>
public sealed class RegionFilterTests
{
    [Fact]
    public void Regions_are_the_configured_tags_else_the_cloud_region_else_none()
    {
        var tagged = new DeploymentOptions { Region = "eu-central-1" };
        tagged.Regions.Add(" eu ");
        tagged.Regions.Add("EU");
        tagged.Regions.Add("");

        Assert.Equal(["eu"], RegionFilter.Tags(tagged));
        Assert.Equal(["eu-central-1"], RegionFilter.Tags(new DeploymentOptions { Provider = "bedrock", Region = "eu-central-1" }));
        Assert.Empty(RegionFilter.Tags(new DeploymentOptions { Provider = "openai" }));
    }

    [Fact]
    public void The_filter_keeps_the_order_and_only_deployments_tagged_with_an_allowed_region()
    {
        var us = TestDeployments.Create() with { Name = "us", Regions = ["us"] };
        var untagged = TestDeployments.Create() with { Name = "untagged" };
        var eu = TestDeployments.Create() with { Name = "eu", Regions = ["eu", "eu-west-1"] };
        var eu2 = TestDeployments.Create() with { Name = "eu2", Regions = ["EU"] };
        Deployment[] all = [us, untagged, eu, eu2];

        Assert.Same(all, RegionFilter.Apply(all, RouteConstraints.None));
        Assert.Equal(["eu", "eu2"], RegionFilter.Apply(all, new RouteConstraints(["eu"])).Select(d => d.Name));
        Assert.Equal(["us", "eu"], RegionFilter.Apply(all, new RouteConstraints(["eu-west-1", "us"])).Select(d => d.Name));
        Assert.Empty(RegionFilter.Apply(all, new RouteConstraints([])));
    }
}
