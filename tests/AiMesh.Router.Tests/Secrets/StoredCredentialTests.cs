using System.Security.Cryptography;
using AiMesh.Contracts;
using AiMesh.Contracts.Secrets;
using AiMesh.Hosting.Secrets;
using AiMesh.MockProvider;
using AiMesh.Router.Deployments;
using AiMesh.Router.Secrets;
using AiMesh.Router.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace AiMesh.Router.Tests.Secrets;

/// <summary>
/// Deployments whose key is a credential stored in policy: the router gets it sealed over the bus, opens it with its
/// own ring, sends it to the provider, follows changes, and refuses a call (nothing sent) while it does not hold it.
/// </summary>
public sealed class StoredCredentialTests
{
    private const string CredentialName = "openai-stored";
    private static readonly string MasterKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public async Task The_stored_key_opened_by_the_router_is_the_one_the_provider_receives_and_a_change_replaces_it()
    {
        var source = new CredentialSource();
        var id = Guid.NewGuid();
        source.Stored[CredentialName] = Seal(id, 1, "sk-stored-first-0123456789");
        await using var mock = await MockProviderServer.StartAsync();
        await using var router = await StartAsync(mock, source);
        await WaitUntilAsync(() => router.Services.GetRequiredService<ProviderCredentialStore>().Count == 1);

        var (first, _) = await router.RouteAsync(RouterHost.Chat("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"echo: one"}]}""", stream: false));
        var received = mock.Recorder.Snapshot().Single(r => r.Path == "/v1/chat/completions");

        await router.Harness.Bus.Publish(Changed(id, 2, "sk-stored-second-987654321"));
        await WaitUntilAsync(() => router.Logs.Lines.Any(l => l.Contains("updated to version 2", StringComparison.Ordinal)));
        await router.Harness.Bus.Publish(Changed(id, 1, "sk-stale-older-version-000"));
        var (second, _) = await router.RouteAsync(RouterHost.Chat("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"echo: two"}]}""", stream: false));
        var all = mock.Recorder.Snapshot().Where(r => r.Path == "/v1/chat/completions").ToList();

        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.Equal("Bearer sk-stored-first-0123456789", received.Headers["authorization"]);
        Assert.Equal("Bearer sk-stored-second-987654321", all[^1].Headers["authorization"]);
        Assert.Contains(CredentialName, Assert.Single(source.Asked).Names);
        Assert.DoesNotContain(router.Logs.Lines, l => l.Contains("sk-stored", StringComparison.Ordinal) || l.Contains("sk-stale", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_deployment_whose_credential_is_not_held_fails_503_naming_it_in_the_log_and_nothing_is_sent()
    {
        var source = new CredentialSource();
        await using var mock = await MockProviderServer.StartAsync();
        await using var router = await StartAsync(mock, source);
        await WaitUntilAsync(() => !source.Asked.IsEmpty && router.Services.GetRequiredService<ProviderCredentialStore>().IsLoaded);

        var (routed, failed) = await router.RouteAsync(RouterHost.Chat("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"echo: hi"}]}""", stream: false));

        Assert.Null(routed);
        Assert.Equal((503, "provider_credential_unavailable", "mock-chat"), (failed!.Status, failed.Code, failed.Deployment));
        Assert.DoesNotContain(mock.Recorder.Snapshot(), r => r.Path == "/v1/chat/completions");
        Assert.Contains(router.Logs.Lines, l => l.Contains($"provider credential {CredentialName}", StringComparison.Ordinal));

        // A deletion after a value: the call fails again.
        var id = Guid.NewGuid();
        await router.Harness.Bus.Publish(Changed(id, 1, "sk-brief-life-0123456789"));
        await WaitUntilAsync(() => router.Services.GetRequiredService<ProviderCredentialStore>().Count == 1);
        await router.Harness.Bus.Publish(new ProviderCredentialChanged(id, CredentialName, 1, null, null, true));
        await WaitUntilAsync(() => router.Services.GetRequiredService<ProviderCredentialStore>().Count == 0);
        var (_, again) = await router.RouteAsync(RouterHost.Chat("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"echo: hi"}]}""", stream: false));
        Assert.Equal(503, again!.Status);
    }

    [Fact]
    public void A_value_sealed_for_another_credential_or_under_a_key_the_router_lacks_is_not_opened()
    {
        var ring = MasterKeyRing.FromKeys(MasterKey);
        var catalog = Catalog();
        var store = new ProviderCredentialStore(catalog, ring, Microsoft.Extensions.Logging.Abstractions.NullLogger<ProviderCredentialStore>.Instance);
        var other = MasterKeyRing.FromKeys(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        var id = Guid.NewGuid();
        var copied = ring.Seal("sk-copied-0123456789", RouterSecrets.AssociatedData(Guid.NewGuid()));
        var foreign = other.Seal("sk-foreign-0123456789", RouterSecrets.AssociatedData(id));

        store.Replace([new SealedProviderCredential(id, CredentialName, 1, copied.KeyId, copied.Ciphertext)], store.Mark());
        var afterCopy = store.Resolve(catalog.Deployments[0]);
        store.Apply(new ProviderCredentialChanged(id, CredentialName, 2, foreign.KeyId, foreign.Ciphertext, false));
        var afterForeign = store.Resolve(catalog.Deployments[0]);
        var good = ring.Seal("sk-good-0123456789", RouterSecrets.AssociatedData(id));
        store.Apply(new ProviderCredentialChanged(id, CredentialName, 3, good.KeyId, good.Ciphertext, false));

        Assert.Null(afterCopy);
        Assert.Null(afterForeign);
        Assert.Equal("sk-good-0123456789", store.Resolve(catalog.Deployments[0])!.ApiKey!.Reveal());
        Assert.Equal("[redacted]", store.Resolve(catalog.Deployments[0])!.ApiKey!.ToString());
        Assert.Same(catalog.Deployments[1], store.Resolve(catalog.Deployments[1]));
    }

    [Fact]
    public void A_full_answer_asked_for_before_a_change_event_does_not_undo_it()
    {
        var ring = MasterKeyRing.FromKeys(MasterKey);
        var catalog = Catalog();
        var store = new ProviderCredentialStore(catalog, ring, Microsoft.Extensions.Logging.Abstractions.NullLogger<ProviderCredentialStore>.Instance);
        var id = Guid.NewGuid();
        var deployment = catalog.Deployments[0];

        // Asked, then a newer value arrives by event, then the (older) answer.
        var mark = store.Mark();
        store.Apply(Changed(id, 2, "sk-newer-by-event-0123456789"));
        store.Replace([Seal(id, 1, "sk-older-in-answer-012345678")], mark);
        var afterNewerEvent = store.Resolve(deployment)!.ApiKey!.Reveal();

        // Asked, then deleted by event, then an answer that still had it.
        mark = store.Mark();
        store.Apply(new ProviderCredentialChanged(id, CredentialName, 2, null, null, true));
        store.Replace([Seal(id, 2, "sk-newer-by-event-0123456789")], mark);
        var afterDeletion = store.Resolve(deployment);

        // A later answer is taken as it is.
        store.Replace([Seal(id, 3, "sk-third-from-answer-0123456")], store.Mark());

        Assert.Equal("sk-newer-by-event-0123456789", afterNewerEvent);
        Assert.Null(afterDeletion);
        Assert.Equal("sk-third-from-answer-0123456", store.Resolve(deployment)!.ApiKey!.Reveal());
    }

    private static DeploymentCatalog Catalog()
    {
        var settings = Settings(new Uri("http://127.0.0.1:9/v1"));
        return new DeploymentCatalog(
            Microsoft.Extensions.Options.Options.Create(Configuration.RouterOptionsValidatorTests.Bind(settings)), Configuration.RouterOptionsValidatorTests.Configuration(settings));
    }

    private static Dictionary<string, string?> Settings(Uri chat)
    {
        var settings = RouterHost.Settings(chat);
        settings.Remove("Router:Deployments:0:ApiKeyEnv");
        settings["Router:Deployments:0:ApiKeyCredential"] = CredentialName;
        settings["AIMESH_MASTER_KEY"] = MasterKey;
        return settings;
    }

    private static Task<RouterHost> StartAsync(MockProviderHandle mock, CredentialSource source) =>
        RouterHost.StartAsync(
            Settings(new Uri(mock.BaseAddress, "v1")),
            services => services.AddSingleton(source),
            bus => bus.AddConsumer<CredentialSource.Consumer>().Endpoint(e => e.Name = Endpoints.Policy));

    private static SealedProviderCredential Seal(Guid id, long version, string value)
    {
        var sealedValue = MasterKeyRing.FromKeys(MasterKey).Seal(value, RouterSecrets.AssociatedData(id));
        return new SealedProviderCredential(id, CredentialName, version, sealedValue.KeyId, sealedValue.Ciphertext);
    }

    private static ProviderCredentialChanged Changed(Guid id, long version, string value)
    {
        var sealedValue = Seal(id, version, value);
        return new ProviderCredentialChanged(id, CredentialName, version, sealedValue.KeyId, sealedValue.Ciphertext, false);
    }

    /// <summary>Waits for something the router does in the background; the deadline only stops a broken test, it asserts nothing about speed.</summary>
    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(20, deadline.Token);
        }
    }
}
