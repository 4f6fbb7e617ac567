using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace AiMesh.EndToEnd.Tests.Admin;

/// <summary>Calls of the admin API through the ingress that the admin tests share, each asserting what it needs.</summary>
internal static class AdminCalls
{
    /// <summary>A client of the ingress that sends <paramref name="key"/> as a bearer token (none when null).</summary>
    public static HttpClient Client(Uri ingress, string? key)
    {
        var client = new HttpClient { BaseAddress = ingress, Timeout = TimeSpan.FromSeconds(60) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    /// <summary>The bootstrap admin's user id.</summary>
    public static async Task<Guid> AdminUserAsync(HttpClient admin) => (await AdminUserRowAsync(admin))["id"]!.GetValue<Guid>();

    /// <summary>The bootstrap admin's user as the admin API lists it.</summary>
    public static async Task<JsonNode> AdminUserRowAsync(HttpClient admin)
    {
        var users = await OkAsync(await admin.GetAsync("/admin/users?role=admin"));
        return users["items"]!.AsArray().First(u => u!["email"]!.GetValue<string>() == "admin")!;
    }

    /// <summary>Waits (bounded) until the policy replica asked knows the key: replicas learn of new keys from the bus.</summary>
    public static async Task ServedAsync(Uri ingress, string secret)
    {
        using var user = Client(ingress, secret);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        HttpResponseMessage models;
        while ((models = await user.GetAsync("/v1/models", deadline.Token)).StatusCode == HttpStatusCode.Unauthorized)
        {
            models.Dispose();
            await Task.Delay(200, deadline.Token);
        }

        models.Dispose();
    }

    /// <summary>The response succeeded; its JSON body.</summary>
    public static async Task<JsonObject> OkAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {response.RequestMessage?.RequestUri}: {text}");
            return JsonNode.Parse(text)!.AsObject();
        }
    }

    /// <summary>
    /// <c>GET /admin/usage/requests/{id}</c> once metering has stored the request (its record leaves after the answer):
    /// the whole read (<c>usage</c>, and <c>bodies</c> when logged). Asked again while it is 404, within 30 s.
    /// </summary>
    public static async Task<JsonObject> StoredUsageAsync(HttpClient admin, string requestId)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var response = await admin.GetAsync($"/admin/usage/requests/{requestId}", deadline.Token);
            if (response.StatusCode != System.Net.HttpStatusCode.NotFound)
            {
                return await OkAsync(response);
            }

            response.Dispose();
            await Task.Delay(50, deadline.Token);
        }
    }
}
