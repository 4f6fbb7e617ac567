using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AiMesh.EndToEnd.Tests.Infrastructure;
using AiMesh.MockProvider;
using AiMesh.Policy.Secrets;

namespace AiMesh.EndToEnd.Tests.Secrets;

/// <summary>
/// Issue 4's planted-secret test, on each store: a distinctive provider key goes in through the admin API and goes
/// through every operation (create, list, get, replace, chat completions that use it, a master-key rotation with the
/// services restarted on the new key alone, delete). Then it is searched for, as UTF-8, UTF-16 and base64, in the
/// store (SQLite files with -wal/-journal; every row of every PostgreSQL table), every bus message sent, published and
/// received, and every log line of every host at Trace: found nowhere. The mock provider did receive it as the key,
/// so the test is not passing for want of a secret.
/// </summary>
public abstract class PlantedSecretTests
{
    private static readonly string First = "sk-planted-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
    private static readonly string Second = "sk-replanted-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    protected abstract SecretMesh Create(MockProviderHandle mock);

    [Fact]
    public async Task A_planted_provider_key_is_nowhere_but_at_the_provider_after_every_operation()
    {
        var keyA = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var keyB = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        await using var mock = await MockProviderServer.StartAsync();
        await using var mesh = Create(mock);
        string rotationOutput;

        // Run 1, master key A: create, list, get, a completion, replace, a completion with the new value.
        await mesh.StartAsync(keyA);
        Guid id;
        using (var admin = Client(mesh.Ingress, TestEnvironment.AdminKey))
        {
            var created = await OkAsync(await admin.PostAsJsonAsync("/admin/credentials", new { name = SecretMesh.CredentialName, value = First, provider = "openai" }));
            id = created["id"]!.GetValue<Guid>();
            var listed = await OkAsync(await admin.GetAsync("/admin/credentials"));
            var got = await OkAsync(await admin.GetAsync($"/admin/credentials/{id}"));
            Assert.Contains(listed["items"]!.AsArray(), c => c!["id"]!.GetValue<Guid>() == id);
            Assert.Equal(First[^4..], got["hint"]!.GetValue<string>());

            await CompleteUntilProviderReceivesAsync(mesh, First);
            var replaced = await OkAsync(await admin.PutAsJsonAsync($"/admin/credentials/{id}/value", new { value = Second }));
            Assert.Equal(2, replaced["version"]!.GetValue<int>());
            await CompleteUntilProviderReceivesAsync(mesh, Second);
        }

        await mesh.StopAsync();

        // The rotation, services stopped: B becomes current, A previous.
        using (var output = new StringWriter())
        using (var errors = new StringWriter())
        {
            var exit = await SecretsRotateCommand.RunAsync(
                [$"--Policy:Database:Provider={mesh.StoreProvider}", $"--Policy:Database:ConnectionString={mesh.StoreConnectionString}",
                 $"--AIMESH_MASTER_KEY={keyB}", $"--AIMESH_PREVIOUS_MASTER_KEYS={keyA}"],
                output, errors);
            rotationOutput = output + "\n" + errors;
            Assert.True(exit == 0, rotationOutput);
            Assert.Contains("1 re-encrypted", rotationOutput, StringComparison.Ordinal);
        }

        // Run 2, master key B alone: the rotated value still reaches the provider; then delete, and the deployment fails.
        await mesh.StartAsync(keyB);
        using (var admin = Client(mesh.Ingress, TestEnvironment.AdminKey))
        {
            mock.Recorder.Clear();
            await CompleteUntilProviderReceivesAsync(mesh, Second);
            using var deleted = await admin.DeleteAsync($"/admin/credentials/{id}");
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
            await CompleteUntilRefusedAsync(mesh);
        }

        await mesh.StopAsync();

        // The search could find it: the provider got each value as its key, and the captures hold the traffic around it.
        var received = mock.Recorder.Snapshot().Select(r => r.Headers.GetValueOrDefault("authorization")).ToList();
        Assert.Contains($"Bearer {Second}", received);
        Assert.Contains(mesh.Capture.Messages, m => m.Contains("ProviderCredentialChanged", StringComparison.Ordinal) && m.Contains(SecretMesh.CredentialName, StringComparison.Ordinal));
        Assert.Contains(mesh.Capture.Messages, m => m.StartsWith("consume ProviderCredentialsListed", StringComparison.Ordinal) || m.StartsWith("consume GetProviderCredentials", StringComparison.Ordinal));
        Assert.Contains(mesh.Capture.Logs, l => l.Contains(SecretMesh.CredentialName, StringComparison.Ordinal));

        // The replacement reached the router as an event (the periodic reload is a minute away), and so did the deletion.
        Assert.Contains(mesh.Capture.Messages, m => m.StartsWith("consume ProviderCredentialChanged", StringComparison.Ordinal));
        Assert.Contains(mesh.Capture.Logs, l => l.Contains($"Provider credential {SecretMesh.CredentialName} updated to version 2", StringComparison.Ordinal));
        Assert.Contains(mesh.Capture.Logs, l => l.Contains($"Provider credential {SecretMesh.CredentialName} was deleted", StringComparison.Ordinal));
        var store = await mesh.DumpStoreAsync();
        Assert.Contains(SecretMesh.CredentialName, store, StringComparison.Ordinal);
        Assert.Contains("credential.reencrypt", store, StringComparison.Ordinal);

        // And it is nowhere.
        foreach (var secret in new[] { First, Second })
        {
            foreach (var (encoding, form) in Forms(secret))
            {
                Assert.False(store.Contains(form, StringComparison.Ordinal), $"{encoding} of a planted key in the store");
                Assert.Empty(mesh.Capture.Find(form));
                Assert.DoesNotContain(form, rotationOutput, StringComparison.Ordinal);
            }
        }
    }

    /// <summary>The plaintext as the bytes of each encoding it could be stored in, read back as Latin-1 text like the dumps are.</summary>
    private static IEnumerable<(string Encoding, string Form)> Forms(string secret) =>
    [
        ("UTF-8", secret),
        ("UTF-16", Encoding.Latin1.GetString(Encoding.Unicode.GetBytes(secret))),
        ("UTF-16BE", Encoding.Latin1.GetString(Encoding.BigEndianUnicode.GetBytes(secret))),
        ("base64", Convert.ToBase64String(Encoding.UTF8.GetBytes(secret))),
    ];

    /// <summary>Chat completions on the stored-key deployment until the provider received this value as the key (the router learns changes from the bus).</summary>
    private static async Task CompleteUntilProviderReceivesAsync(SecretMesh mesh, string value)
    {
        using var client = Client(mesh.Ingress, TestEnvironment.ClientKey);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!mesh.Mock.Recorder.Snapshot().Any(r => r.Headers.GetValueOrDefault("authorization") == $"Bearer {value}"))
        {
            using var response = await client.PostAsync("v1/chat/completions", Chat(), deadline.Token);
            var body = await response.Content.ReadAsStringAsync(deadline.Token);
            Assert.True(
                response.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable,
                $"{(int)response.StatusCode}: {body}");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                Assert.Contains("planted", body, StringComparison.Ordinal);
            }
            else
            {
                Assert.Contains("provider_credential_unavailable", body, StringComparison.Ordinal);
                await Task.Delay(200, deadline.Token);
            }
        }
    }

    private static async Task CompleteUntilRefusedAsync(SecretMesh mesh)
    {
        using var client = Client(mesh.Ingress, TestEnvironment.ClientKey);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            using var response = await client.PostAsync("v1/chat/completions", Chat(), deadline.Token);
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                Assert.Contains("provider_credential_unavailable", await response.Content.ReadAsStringAsync(deadline.Token), StringComparison.Ordinal);
                return;
            }

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await Task.Delay(200, deadline.Token);
        }
    }

    private static StringContent Chat() =>
        new($$"""{"model":"{{SecretMesh.Model}}","messages":[{"role":"user","content":"echo: planted"}]}""", Encoding.UTF8, "application/json");

    private static HttpClient Client(Uri ingress, string key)
    {
        var client = new HttpClient { BaseAddress = ingress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private static async Task<JsonObject> OkAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {response.RequestMessage?.RequestUri}: {text}");
            return JsonNode.Parse(text)!.AsObject();
        }
    }
}

public sealed class EmbeddedPlantedSecretTests : PlantedSecretTests
{
    protected override SecretMesh Create(MockProviderHandle mock) => new EmbeddedSecretMesh(mock);
}

public sealed class DistributedPlantedSecretTests : PlantedSecretTests
{
    protected override SecretMesh Create(MockProviderHandle mock) => new DistributedSecretMesh(mock);
}
