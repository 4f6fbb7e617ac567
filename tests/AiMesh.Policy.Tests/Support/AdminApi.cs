using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AiMesh.Policy.Tests.Support;

/// <summary>Calls of the admin API the tests make over and over, each asserting it succeeded.</summary>
internal static class AdminApi
{
    public static async Task<JsonObject> PostOkAsync(this HttpClient client, string path, object body)
    {
        using var response = await client.PostAsJsonAsync(path, body);
        return await OkAsync(response);
    }

    public static async Task<JsonObject> GetOkAsync(this HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        return await OkAsync(response);
    }

    public static async Task<JsonObject> OkAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>The response is ProblemDetails with this status; returns its body.</summary>
    public static async Task<JsonObject> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode} {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(text)!.AsObject();
        Assert.Equal((int)status, problem["status"]!.GetValue<int>());
        return problem;
    }

    public static Guid Id(this JsonObject json, string name = "id") => json[name]!.GetValue<Guid>();

    public static string Text(this JsonNode json, string name) => json[name]!.GetValue<string>();

    /// <summary>Creates a user with a role in an organization (as the caller) and a key for it; returns the user id and the key's secret.</summary>
    public static async Task<(Guid UserId, string Secret, Guid KeyId)> UserWithKeyAsync(
        this HttpClient admin, Guid organizationId, string role, IReadOnlyList<string>? models = null, Guid? teamId = null)
    {
        var user = await admin.PostOkAsync("/admin/users", new { organizationId, email = $"{role}-{Guid.NewGuid():N}@example.com", role });
        if (teamId is { } team)
        {
            using var added = await admin.PutAsync($"/admin/teams/{team}/members/{user.Id()}", null);
            await OkAsync(added);
        }

        var key = await admin.PostOkAsync("/admin/keys", new { owner = new { userId = user.Id() }, models = models ?? ["*"] });
        return (user.Id(), key.Text("secret"), key["key"]!.AsObject().Id());
    }

    public static JsonSerializerOptions Web { get; } = new(JsonSerializerDefaults.Web);
}
