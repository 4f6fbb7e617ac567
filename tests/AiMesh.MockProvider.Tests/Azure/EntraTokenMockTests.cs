using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace AiMesh.MockProvider.Tests.Azure;

/// <summary>The mock's Entra ID token endpoint (client credentials) and the Azure routes' check of the tokens it issues.</summary>
public sealed class EntraTokenMockTests : MockProviderTest
{
    private const string TokenPath = "contoso.onmicrosoft.com/oauth2/v2.0/token";
    private const string Scope = "https://cognitiveservices.azure.com/.default";
    private const string ChatPath = "openai/deployments/prod-gpt/chat/completions?api-version=2024-10-21";

    [Fact]
    public async Task Issues_a_token_for_the_client_credentials_which_the_azure_routes_accept()
    {
        var (status, json) = await ExchangeAsync(Form());

        Assert.Equal(200, status);
        Assert.Equal(("Bearer", 3599), (json.GetProperty("token_type").GetString(), json.GetProperty("expires_in").GetInt32()));
        var token = json.GetProperty("access_token").GetString()!;
        Assert.StartsWith(AiMesh.MockProvider.Azure.EntraMockState.TokenPrefix, token, StringComparison.Ordinal);
        Assert.Equal(200, await ChatStatusAsync(token));
        var recorded = await Mock.Recorder.WaitForAsync(r => r.Path == "/" + TokenPath, WaitTimeout);
        Assert.Contains("grant_type=client_credentials", recorded.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_it_did_not_issue_is_refused_while_a_foreign_bearer_token_passes()
    {
        var forged = AiMesh.MockProvider.Azure.EntraMockState.TokenPrefix + "mock-1.00";

        Assert.Equal((401, 200), (await ChatStatusAsync(forged), await ChatStatusAsync("token-from-elsewhere")));
    }

    [Theory]
    [InlineData("client_secret", "wrong", 401, "invalid_client", 7000215)]
    [InlineData("client_id", "00000000-0000-0000-0000-000000000000", 400, "unauthorized_client", 700016)]
    [InlineData("scope", "https://cognitiveservices.azure.com", 400, "invalid_scope", 1002012)]
    [InlineData("grant_type", "password", 400, "unsupported_grant_type", 70003)]
    [InlineData("scope", "", 400, "invalid_request", 900144)]
    public async Task A_bad_form_is_refused_in_entras_words(string field, string value, int status, string error, int code)
    {
        var (answered, json) = await ExchangeAsync(Form(field, value));

        AssertRefusal(answered, json, status, error, code);
    }

    [Theory]
    [InlineData("status=401", 401, "invalid_client", 7000215)]
    [InlineData("status=503", 503, "temporarily_unavailable", 50020)]
    public async Task A_scenario_status_refuses_good_credentials(string scenario, int status, string error, int code)
    {
        var (answered, json) = await ExchangeAsync(Form(), scenario);

        AssertRefusal(answered, json, status, error, code);
    }

    private static void AssertRefusal(int answered, JsonElement json, int status, string error, int code)
    {
        Assert.Equal((status, error), (answered, json.GetProperty("error").GetString()));
        Assert.Equal(code, json.GetProperty("error_codes")[0].GetInt32());
        Assert.StartsWith($"AADSTS{code}: ", json.GetProperty("error_description").GetString(), StringComparison.Ordinal);
        Assert.False(json.TryGetProperty("access_token", out _));
    }

    private static Dictionary<string, string> Form(string? field = null, string? value = null)
    {
        var options = new MockProviderOptions();
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = options.EntraClientId,
            ["client_secret"] = options.EntraClientSecret,
            ["scope"] = Scope,
        };
        if (field is not null)
        {
            form[field] = value!;
        }

        return form;
    }

    private async Task<(int Status, JsonElement Json)> ExchangeAsync(Dictionary<string, string> form, string? scenario = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, TokenPath) { Content = new FormUrlEncodedContent(form) };
        if (scenario is not null)
        {
            request.Headers.Add("x-mock-scenario", scenario);
        }

        using var response = await Http.SendAsync(request);
        return ((int)response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private async Task<int> ChatStatusAsync(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, ChatPath)
        {
            Content = new StringContent(ChatBody("hi"), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await Http.SendAsync(request);
        return (int)response.StatusCode;
    }
}
