using AiMesh.Contracts.Policy;
using AiMesh.Policy.Keys;
using AiMesh.Policy.Keys.Administration;
using Microsoft.Extensions.DependencyInjection;

namespace AiMesh.Policy.Tests.Support;

internal static class PolicyHostExtensions
{
    public static async Task<T> AdministerAsync<T>(this PolicyHost host, Func<KeyAdministration, Task<T>> call)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await call(scope.ServiceProvider.GetRequiredService<KeyAdministration>());
    }

    public static async Task<CreatedKey> CreateKeyAsync(this PolicyHost host, CreateKey request)
    {
        var result = await host.AdministerAsync(a => a.CreateAsync(request, "tests", CancellationToken.None));
        Assert.True(result.Succeeded, string.Join("; ", result.Failure?.Errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}") ?? []));
        return result.Value!;
    }

    /// <summary>Asks policy for a decision about a secret, hashed the way the ingress hashes it.</summary>
    public static Task<(RequestAuthorized? Authorized, RequestDenied? Denied)> AskAsync(
        this PolicyHost host, string secret, string? model = "gpt-4o", string? address = "10.0.0.1") =>
        host.AuthorizeAsync(new AuthorizeRequest(Guid.NewGuid(), KeyRing.HashOf(secret), "chat.completions", model, address));

    public static async Task AssertInvalidKeyAsync(this PolicyHost host, string secret, string? model = "gpt-4o", string? address = "10.0.0.1")
    {
        var (authorized, denied) = await host.AskAsync(secret, model, address);
        Assert.Null(authorized);
        Assert.Equal((401, "invalid_api_key", "Incorrect API key provided."), (denied!.Status, denied.Code, denied.Message));
    }
}
