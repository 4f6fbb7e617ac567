using AiMesh.Hosting.Secrets;
using AiMesh.Policy.Keys;
using AiMesh.Policy.Store;
using Microsoft.Extensions.Options;

namespace AiMesh.Policy.Secrets;

/// <summary>
/// <c>dotnet AiMesh.Policy.dll secrets rotate</c> (<c>./aimesh policy secrets-rotate</c>): with the new key as
/// <c>AIMESH_MASTER_KEY</c> and the old ones in <c>AIMESH_PREVIOUS_MASTER_KEYS</c>, re-encrypts every provider
/// credential under the new key (<see cref="CredentialRotation"/>) and prints the counts. Exit 0 when every row is
/// under the current key now; 2 when a row could not be decrypted with any configured key (each named by id, never
/// its value); 1 when the configuration is invalid, no master key is set, or the store cannot be reached. Router
/// replicas take the new ciphertexts at their next periodic reload (or a restart).
/// </summary>
internal static class SecretsRotateCommand
{
    public static readonly string[] Name = ["secrets", "rotate"];

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter errors)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(errors);
        var builder = PolicyCommandHost.CreateBuilder(args);
        builder.Services.AddMasterKeyRing(builder.Configuration, CredentialSealing.Section);
        using var host = builder.Build();
        MasterKeyRing ring;
        try
        {
            // Read now so an invalid "Policy" section is reported as configuration (exit 1), before the store is opened.
            _ = host.Services.GetRequiredService<IOptions<PolicyOptions>>().Value;
            ring = host.Services.GetRequiredKeyedService<MasterKeyRing>(CredentialSealing.Section);
        }
        catch (Exception invalid) when (invalid is OptionsValidationException or MasterKeyException)
        {
            await errors.WriteLineAsync($"aimesh-policy secrets rotate: {invalid.Message}");
            return 1;
        }

        if (!ring.IsConfigured)
        {
            await errors.WriteLineAsync($"aimesh-policy secrets rotate: no master key: set {MasterKeyOptions.CurrentKeyVariable} (or {CredentialSealing.Section}:MasterKeyFile).");
            return 1;
        }

        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SecretsRotateCommand).FullName!);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(30));
        try
        {
            await using var db = PolicyCommandHost.OpenStore(host.Services);
            var report = await CredentialRotation.RotateAsync(db, ring, TimeProvider.System, timeout.Token);
            foreach (var (id, keyId) in report.Unreadable)
            {
                PolicyLog.CredentialUnreadable(logger, id, keyId);
                await errors.WriteLineAsync($"aimesh-policy secrets rotate: credential {id} is sealed under master key {keyId}, which no configured key is.");
            }

            PolicyLog.CredentialsRotated(logger, report.Rotated, ring.CurrentKeyId!, report.AlreadyCurrent, report.Unreadable.Count);
            await output.WriteLineAsync(
                $"aimesh-policy secrets rotate: {report.Rotated} re-encrypted under {ring.CurrentKeyId}, {report.AlreadyCurrent} already under it, {report.Unreadable.Count} unreadable.");
            return report.Unreadable.Count == 0 ? 0 : 2;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // The exception's type and message only: a connection string (and its password) is never printed.
            await errors.WriteLineAsync($"aimesh-policy secrets rotate: failed: {exception.GetType().Name}: {exception.Message}");
            return 1;
        }
    }
}
