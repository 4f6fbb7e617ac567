using AiMesh.Ingress.Http;

namespace AiMesh.Ingress.Tests.Http;

public sealed class TagsHeaderTests
{
    [Fact]
    public void Header_pairs_join_the_body_metadata_and_the_body_wins_a_shared_key()
    {
        var metadata = new Dictionary<string, string> { ["project"] = "apollo" };

        var (tags, error) = TagsHeader.Merge(metadata, [" env = prod , project=gemini", "cost-centre=4711,empty="]);

        Assert.Null(error);
        Assert.Equal(new Dictionary<string, string> { ["project"] = "apollo", ["env"] = "prod", ["cost-centre"] = "4711", ["empty"] = "" }, tags);
    }

    [Fact]
    public void No_header_keeps_the_metadata_as_it_was_and_nothing_stays_nothing()
    {
        var metadata = new Dictionary<string, string> { ["a"] = "1" };

        Assert.Equal(metadata, TagsHeader.Merge(metadata, []).Tags);
        Assert.Equal((null, null), TagsHeader.Merge(null, [null, " , "]));
    }

    [Theory]
    [InlineData("novalue")]
    [InlineData("=value")]
    [InlineData("a=1,b")]
    public void A_pair_without_a_key_and_a_value_is_refused(string header)
    {
        var (tags, error) = TagsHeader.Merge(null, [header]);

        Assert.Null(tags);
        Assert.Equal((400, "x-aimesh-tags"), (error!.Status, error.Param));
    }

    [Fact]
    public void Beyond_the_metadata_bounds_together_is_refused()
    {
        var sixteen = Enumerable.Range(0, 16).ToDictionary(i => $"k{i}", i => "v");

        Assert.NotNull(TagsHeader.Merge(sixteen, ["one=more"]).Error);
        Assert.Null(TagsHeader.Merge(sixteen, ["k3=again"]).Error);
        Assert.NotNull(TagsHeader.Merge(null, [new string('k', 65) + "=v"]).Error);
        Assert.NotNull(TagsHeader.Merge(null, ["k=" + new string('v', 513)]).Error);
    }
}
