using System.Collections.Immutable;
using AiMesh.Prompts.Store;

namespace AiMesh.Prompts.Registry;

/// <summary>
/// This replica's copy of the registry, which the request path reads and never waits on the database for. Whole
/// <see cref="StoredPrompt"/>s are swapped in, so a reader sees a prompt's labels and versions as one store read saw
/// them: a label moved is seen at its old version or its new one, never missing.
/// <para>
/// Reads of the store overlap (a change event's, the admin write's own, the periodic full reload), and one that began
/// earlier can finish later. Each read takes a ticket when it begins, and a prompt's entry is only ever replaced by a
/// read that began after the one that made it: a read that began later has seen every write committed before it
/// began, so the older one's result is never fresher. Without this a change event's read that started before a label
/// move and finished after the admin write's own reload put the old label back until the next reload.
/// </para>
/// </summary>
internal sealed class PromptCatalog
{
    private ImmutableDictionary<string, Entry> _prompts = ImmutableDictionary.Create<string, Entry>(StringComparer.Ordinal);
    private long _tickets;

    public bool TryGet(string name, out StoredPrompt prompt)
    {
        if (Volatile.Read(ref _prompts).TryGetValue(name, out var entry) && entry.Prompt is { } found)
        {
            prompt = found;
            return true;
        }

        prompt = null!;
        return false;
    }

    public int Count => Volatile.Read(ref _prompts).Values.Count(e => e.Prompt is not null);

    /// <summary>Taken just before a read of the store begins; orders the reads' results.</summary>
    public long BeginRead() => Interlocked.Increment(ref _tickets);

    /// <summary>Reads one prompt again (after its change) and serves it, unless a read begun later got there first.</summary>
    public async Task ReloadAsync(string name, PromptStore store, CancellationToken cancellationToken)
    {
        var ticket = BeginRead();
        Set(name, await store.FindAsync(name, cancellationToken), ticket);
    }

    /// <summary>
    /// The full reload's result, read under <paramref name="ticket"/>: every entry it is newer for is replaced, and a
    /// prompt it did not find is removed only if nothing newer than the reload has served it (one created meanwhile stays).
    /// </summary>
    public void ReplaceAll(IEnumerable<StoredPrompt> prompts, long ticket)
    {
        var read = prompts.ToDictionary(p => p.Name, StringComparer.Ordinal);
        ImmutableInterlocked.Update(ref _prompts, all =>
        {
            var next = all.ToBuilder();
            foreach (var (name, entry) in all)
            {
                if (entry.Ticket < ticket && !read.ContainsKey(name))
                {
                    next[name] = new Entry(null, ticket);
                }
            }

            foreach (var (name, prompt) in read)
            {
                if (!all.TryGetValue(name, out var current) || current.Ticket < ticket)
                {
                    next[name] = new Entry(prompt, ticket);
                }
            }

            return next.ToImmutable();
        });
    }

    /// <summary>One prompt as a read under <paramref name="ticket"/> found it (null: the store no longer has it).</summary>
    public void Set(string name, StoredPrompt? prompt, long ticket) =>
        ImmutableInterlocked.Update(ref _prompts, all =>
            all.TryGetValue(name, out var current) && current.Ticket > ticket ? all : all.SetItem(name, new Entry(prompt, ticket)));

    /// <summary>A prompt as served, or its absence (null) remembered with the read that found it so.</summary>
    private sealed record Entry(StoredPrompt? Prompt, long Ticket);
}
