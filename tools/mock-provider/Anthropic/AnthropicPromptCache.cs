using System.Collections.Concurrent;

namespace AiMesh.MockProvider.Anthropic;

/// <summary>
/// Prompt prefixes marked with <c>cache_control</c> this mock has seen: the first request with a prefix writes it
/// (<c>cache_creation_input_tokens</c>), later ones read it (<c>cache_read_input_tokens</c>), as Anthropic's cache
/// behaves within its lifetime. Unlike Anthropic there is no minimum length and no expiry; the set is bounded so a
/// long benchmark cannot grow it without end.
/// </summary>
internal sealed class AnthropicPromptCache
{
    private const int Capacity = 10_000;

    private readonly ConcurrentDictionary<string, byte> _prefixes = new(StringComparer.Ordinal);

    /// <summary>True when <paramref name="key"/> was cached by an earlier request; otherwise caches it now.</summary>
    public bool Read(string key)
    {
        if (_prefixes.ContainsKey(key))
        {
            return true;
        }

        if (_prefixes.Count >= Capacity)
        {
            _prefixes.Clear();
        }

        return !_prefixes.TryAdd(key, 0);
    }
}
