using System.Net;
using System.Text.Json;

namespace AiMesh.MockProvider.Tests;

public sealed class ModelsTests : MockProviderTest
{
    protected override MockProviderOptions Options
    {
        get
        {
            var options = new MockProviderOptions();
            options.Models.Add("tenant-model");
            return options;
        }
    }

    [Fact]
    public async Task Lists_the_mock_models_and_the_configured_ones()
    {
        var json = JsonDocument.Parse(await Http.GetStringAsync("v1/models")).RootElement;

        Assert.Equal("list", json.GetProperty("object").GetString());
        var models = json.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(["mock-gpt", "mock-embed", "tenant-model"], models.Select(m => m.GetProperty("id").GetString()));
        Assert.All(models, m =>
        {
            Assert.Equal("model", m.GetProperty("object").GetString());
            Assert.Equal("aimesh-mock", m.GetProperty("owned_by").GetString());
            Assert.True(m.GetProperty("created").GetInt64() > 0);
        });
    }

    [Fact]
    public async Task Retrieves_one_model_and_404s_an_unknown_one()
    {
        var known = JsonDocument.Parse(await Http.GetStringAsync("v1/models/tenant-model")).RootElement;
        using var unknown = await Http.GetAsync("v1/models/nope");

        Assert.Equal("tenant-model", known.GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var error = JsonDocument.Parse(await unknown.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal("model_not_found", error.GetProperty("code").GetString());
    }
}
