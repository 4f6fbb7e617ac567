using System.Net;
using System.Net.Http.Json;
using System.Text;
using AiMesh.Contracts;
using AiMesh.Contracts.Secrets;
using AiMesh.Hosting.Secrets;
using AiMesh.Policy.Secrets;
using AiMesh.Policy.Tests.Support;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace AiMesh.Policy.Tests.Secrets;

/// <summary>
/// <c>/admin/credentials</c> on each store: the value goes in and never comes out (answers, audit trail, database),
/// versions count replacements, and policy hands the routers the values sealed exactly as stored.
/// </summary>
public abstract class CredentialSpecs(ITestStore store)
{
    private const string Secret = "sk-planted-0123456789-QWERTYzxcv";
    private const string Replacement = "sk-replaced-9876543210-ASDFGHbnmk";

    [Fact]
    public async Task Create_list_get_replace_and_delete_show_metadata_only_and_leave_the_value_nowhere_readable()
    {
        var (host, connectionString) = await StartAsync();
        await using var owned = host;
        using var admin = host.Client();

        using var createdResponse = await admin.PostAsJsonAsync("/admin/credentials", new { name = "openai-prod", value = Secret, provider = "openai" });
        var created = await AdminApi.OkAsync(createdResponse);
        var id = created.Id();
        var list = await admin.GetOkAsync("/admin/credentials");
        var got = await admin.GetOkAsync($"/admin/credentials/{id}");
        using var replacedResponse = await admin.PutAsJsonAsync($"/admin/credentials/{id}/value", new { value = Replacement });
        var replaced = await AdminApi.OkAsync(replacedResponse);

        Assert.Equal(HttpStatusCode.Created, createdResponse.StatusCode);
        Assert.Equal($"/admin/credentials/{id}", createdResponse.Headers.Location?.ToString());
        Assert.Equal(("openai-prod", "openai", "zxcv", 1L), (created.Text("name"), created.Text("provider"), created.Text("hint"), created["version"]!.GetValue<long>()));
        Assert.Equal(MasterKeyRing.FromKeys(AdminHost.MasterKey).CurrentKeyId, created.Text("keyId"));
        Assert.Equal(id, Assert.Single(list["items"]!.AsArray())!.AsObject().Id());
        Assert.Equal(created.ToJsonString(), got.ToJsonString());
        Assert.Equal(("bnmk", 2L), (replaced.Text("hint"), replaced["version"]!.GetValue<long>()));
        Assert.Null(created["value"]);
        Assert.Null(created["ciphertext"]);

        var trail = (await admin.GetOkAsync("/admin/audit"))["items"]!.ToJsonString();
        Assert.Contains("credential.create", trail, StringComparison.Ordinal);
        Assert.Contains("credential.set_value", trail, StringComparison.Ordinal);
        Assert.Contains("\"hint\":\"zxcv\"", trail, StringComparison.Ordinal);

        using var deleted = await admin.DeleteAsync($"/admin/credentials/{id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await AdminApi.ProblemAsync(await admin.GetAsync($"/admin/credentials/{id}"), HttpStatusCode.NotFound);
        Assert.Contains("credential.delete", (await admin.GetOkAsync("/admin/audit"))["items"]!.ToJsonString(), StringComparison.Ordinal);

        // Nowhere readable: not in any answer, the audit trail, the database (files or rows) or a log line, in any encoding.
        var dump = await store.DumpAsync(connectionString);
        var logs = string.Join('\n', host.Logs.Lines.Select(l => l.Line));
        foreach (var plain in new[] { Secret, Replacement })
        {
            foreach (var form in Forms(plain))
            {
                Assert.DoesNotContain(form, dump, StringComparison.Ordinal);
                Assert.DoesNotContain(form, trail, StringComparison.Ordinal);
                Assert.DoesNotContain(form, logs, StringComparison.Ordinal);
                Assert.DoesNotContain(form, list.ToJsonString() + got.ToJsonString() + replaced.ToJsonString(), StringComparison.Ordinal);
            }
        }

        // The dump does hold what is stored (so the search could have found it): the credential's name.
        Assert.Contains("openai-prod", dump, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Policy_answers_the_routers_with_the_values_sealed_as_stored_and_they_open_only_for_their_credential()
    {
        var (host, _) = await StartAsync();
        await using var owned = host;
        using var admin = host.Client();
        var first = await admin.PostOkAsync("/admin/credentials", new { name = "anthropic-prod", value = Secret });
        await admin.PostOkAsync("/admin/credentials", new { name = "unasked", value = Replacement });

        var client = host.Services.GetRequiredService<IBus>().CreateRequestClient<GetProviderCredentials>(Endpoints.PolicyAddress, RequestTimeout.After(s: 30));
        var answer = (await client.GetResponse<ProviderCredentialsListed>(new GetProviderCredentials(Guid.NewGuid(), ["anthropic-prod", "missing"]))).Message;

        var sealedCredential = Assert.Single(answer.Credentials);
        Assert.True(answer.Available);
        Assert.Equal((first.Id(), "anthropic-prod", 1L), (sealedCredential.CredentialId, sealedCredential.Name, sealedCredential.Version));
        Assert.DoesNotContain(Secret, sealedCredential.Ciphertext, StringComparison.Ordinal);
        var ring = MasterKeyRing.FromKeys(AdminHost.MasterKey);
        var asStored = new SealedSecret(sealedCredential.KeyId, sealedCredential.Ciphertext);
        Assert.True(ring.TryOpen(asStored, CredentialSealing.AssociatedData(first.Id()), out var opened));
        Assert.Equal(Secret, opened);
        Assert.False(ring.TryOpen(asStored, CredentialSealing.AssociatedData(Guid.NewGuid()), out _));
    }

    [Fact]
    public async Task Bad_input_is_refused_with_problem_details_and_a_taken_name_is_a_conflict()
    {
        var (host, _) = await StartAsync();
        await using var owned = host;
        using var admin = host.Client();
        await admin.PostOkAsync("/admin/credentials", new { name = "taken", value = Secret });

        var conflict = await AdminApi.ProblemAsync(await admin.PostAsJsonAsync("/admin/credentials", new { name = "taken", value = Secret }), HttpStatusCode.Conflict);
        var multiline = await AdminApi.ProblemAsync(await admin.PostAsJsonAsync("/admin/credentials", new { name = "x", value = "sk-abc\r\nX-Injected: 1" }), HttpStatusCode.BadRequest);
        var empty = await AdminApi.ProblemAsync(await admin.PostAsJsonAsync("/admin/credentials", new { name = "", value = "" }), HttpStatusCode.BadRequest);
        using var huge = new StringContent($$"""{"name":"big","value":"{{new string('a', 70 * 1024)}}"}""", Encoding.UTF8, "application/json");
        await AdminApi.ProblemAsync(await admin.PostAsync("/admin/credentials", huge), HttpStatusCode.RequestEntityTooLarge);
        await AdminApi.ProblemAsync(await admin.PutAsJsonAsync($"/admin/credentials/{Guid.NewGuid()}/value", new { value = Secret }), HttpStatusCode.NotFound);
        await AdminApi.ProblemAsync(await admin.DeleteAsync("/admin/credentials/not-an-id"), HttpStatusCode.NotFound);

        Assert.Contains("already exists", conflict.Text("detail"), StringComparison.Ordinal);
        Assert.NotNull(multiline["errors"]!["value"]);
        Assert.DoesNotContain("sk-abc", multiline.ToJsonString(), StringComparison.Ordinal);
        Assert.NotNull(empty["errors"]!["name"]);
        Assert.NotNull(empty["errors"]!["value"]);
        Assert.Single((await admin.GetOkAsync("/admin/credentials"))["items"]!.AsArray());
    }

    [Fact]
    public async Task Without_a_master_key_the_credential_routes_answer_503_and_everything_else_works()
    {
        var (host, _) = await StartAsync(new() { ["AIMESH_MASTER_KEY"] = "" });
        await using var owned = host;
        using var admin = host.Client();

        var listed = await AdminApi.ProblemAsync(await admin.GetAsync("/admin/credentials"), HttpStatusCode.ServiceUnavailable);
        var created = await AdminApi.ProblemAsync(await admin.PostAsJsonAsync("/admin/credentials", new { name = "n", value = Secret }), HttpStatusCode.ServiceUnavailable);
        var organization = await admin.PostOkAsync("/admin/organizations", new { name = "still-works" });
        var client = host.Services.GetRequiredService<IBus>().CreateRequestClient<GetProviderCredentials>(Endpoints.PolicyAddress, RequestTimeout.After(s: 30));
        var answer = (await client.GetResponse<ProviderCredentialsListed>(new GetProviderCredentials(Guid.NewGuid(), ["n"]))).Message;

        Assert.Equal("secrets_not_configured", listed.Text("code"));
        Assert.Equal("secrets_not_configured", created.Text("code"));
        Assert.Contains("AIMESH_MASTER_KEY", created.Text("detail"), StringComparison.Ordinal);
        Assert.Equal("still-works", organization.Text("name"));
        Assert.False(answer.Available);
        Assert.Empty(answer.Credentials);
    }

    /// <summary>The plaintext as UTF-8 text, UTF-16 (as Latin-1 would show its bytes) and base64 of its UTF-8 bytes.</summary>
    internal static IEnumerable<string> Forms(string plain) =>
    [
        plain,
        Encoding.Latin1.GetString(Encoding.Unicode.GetBytes(plain)),
        Convert.ToBase64String(Encoding.UTF8.GetBytes(plain)),
    ];

    private async Task<(AdminHost Host, string ConnectionString)> StartAsync(Dictionary<string, string?>? extra = null)
    {
        var connectionString = await store.NewDatabaseAsync();
        var settings = new Dictionary<string, string?>(extra ?? [])
        {
            ["Policy:Database:Provider"] = store.Provider,
            ["Policy:Database:ConnectionString"] = connectionString,
        };
        return (await AdminHost.StartAsync(settings), connectionString);
    }
}

public sealed class SqliteCredentialSpecs(SqliteTestStore store) : CredentialSpecs(store), IClassFixture<SqliteTestStore>;

public sealed class PostgresCredentialSpecs(PostgresTestStore store) : CredentialSpecs(store), IClassFixture<PostgresTestStore>;
