using System.Collections.Immutable;
using AiMesh.Prompts.Store;

namespace AiMesh.Prompts.Registry;

/// <summary>
/// This replica's copy of the registry, which the request path reads and never waits on the database for. Whole
/// <see cref="StoredPrompt"/>s are swapped in, so a reader sees a prompt's labels and versions as one store read saw
/// them: a label moved is seen at its old version or its new one, never missing.
/// </summary>
internal sealed class PromptCatalog
{
    private ImmutableDictionary<string, StoredPrompt> _prompts = ImmutableDictionary.Create<string, StoredPrompt>(StringComparer.Ordinal);

    public bool TryGet(string name, out StoredPrompt prompt) => Volatile.Read(ref _prompts).TryGetValue(name, out prompt!);

    public int Count => Volatile.Read(ref _prompts).Count;

    /// <summary>The full reload's result replaces everything (a prompt deleted from the store goes too).</summary>
    public void ReplaceAll(IEnumerable<StoredPrompt> prompts) =>
        Volatile.Write(ref _prompts, prompts.ToImmutableDictionary(p => p.Name, StringComparer.Ordinal));

    /// <summary>One prompt read again after its change event: set, or removed when the store no longer has it.</summary>
    public void Set(string name, StoredPrompt? prompt) =>
        ImmutableInterlocked.Update(ref _prompts, all => prompt is null ? all.Remove(name) : all.SetItem(name, prompt));
}
