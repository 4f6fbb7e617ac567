using System.Collections.Concurrent;
using AiMesh.Contracts.Secrets;
using MassTransit;

namespace AiMesh.Router.Tests.Secrets;

/// <summary>Stands in for policy on its queue: answers <see cref="GetProviderCredentials"/> with what the test stored, sealed, and counts the asks.</summary>
internal sealed class CredentialSource
{
    public ConcurrentDictionary<string, SealedProviderCredential> Stored { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<GetProviderCredentials> Asked { get; } = new();

    public bool Available { get; set; } = true;

    internal sealed class Consumer(CredentialSource source) : IConsumer<GetProviderCredentials>
    {
        public Task Consume(ConsumeContext<GetProviderCredentials> context)
        {
            source.Asked.Enqueue(context.Message);
            var found = context.Message.Names.Select(n => source.Stored.GetValueOrDefault(n)).OfType<SealedProviderCredential>().ToList();
            return context.RespondAsync(new ProviderCredentialsListed(context.Message.RequestId, source.Available ? found : [], source.Available));
        }
    }
}
