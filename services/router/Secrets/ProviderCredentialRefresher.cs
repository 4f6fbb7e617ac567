using AiMesh.Contracts;
using AiMesh.Contracts.Secrets;
using AiMesh.Router.Configuration;
using AiMesh.Router.Telemetry;
using MassTransit;
using Microsoft.Extensions.Options;

namespace AiMesh.Router.Secrets;

/// <summary>
/// Asks policy for the stored credentials the deployments name: every few seconds until the first answer, then every
/// <see cref="RouterOptions.CredentialReloadInterval"/> (the safety net under the change events, and how a master key
/// rotation reaches running replicas). Does nothing when no deployment names a stored credential. A failed ask keeps
/// what is held and is logged; calls go on from memory.
/// </summary>
internal sealed class ProviderCredentialRefresher(
    ProviderCredentialStore store,
    IBus bus,
    IOptions<RouterOptions> options,
    TimeProvider time,
    ILogger<ProviderCredentialRefresher> logger) : BackgroundService
{
    private static readonly TimeSpan FirstLoadRetry = TimeSpan.FromSeconds(2);
    private static readonly RequestTimeout AskTimeout = RequestTimeout.After(s: 10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (store.Wanted.Count == 0)
        {
            return;
        }

        try
        {
            while (true)
            {
                var loaded = await TryLoadAsync(stoppingToken);
                await Task.Delay(loaded ? options.Value.CredentialReloadInterval : FirstLoadRetry, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host stopping.
        }
    }

    private async Task<bool> TryLoadAsync(CancellationToken cancellationToken)
    {
        try
        {
            var mark = store.Mark();
            var client = bus.CreateRequestClient<GetProviderCredentials>(Endpoints.PolicyAddress, AskTimeout);
            var response = await client.GetResponse<ProviderCredentialsListed>(new GetProviderCredentials(NewId.NextGuid(), [.. store.Wanted]), cancellationToken);
            if (!response.Message.Available)
            {
                RouterLog.CredentialsUnavailable(logger);
                return store.IsLoaded;
            }

            store.Replace(response.Message.Credentials, mark);
            return true;
        }
        catch (Exception exception) when (exception is not OperationCanceledException and not OutOfMemoryException)
        {
            RouterLog.CredentialsReloadFailed(logger, exception);
            return store.IsLoaded;
        }
    }
}
