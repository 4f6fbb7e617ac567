namespace AiMesh.Router.Shadowing;

/// <summary>
/// How alike two answers' texts are, lexically: the cosine of their word-frequency vectors. Words are runs of letters
/// and digits, lower-cased (invariant culture), so case, punctuation and spacing do not count; order does not either
/// (a bag of words). 1 means the same words as often (up to a common factor), 0 no word in common. No model and nothing
/// downloaded: a cheap, explainable first signal beside latency and cost, not a judgement of quality.
/// </summary>
internal static class TextSimilarity
{
    /// <returns>A score in [0, 1]; null when either text has no word (a failed call, an answer without content).</returns>
    public static double? Cosine(string? first, string? second)
    {
        if (Words(first) is not { Count: > 0 } a || Words(second) is not { Count: > 0 } b)
        {
            return null;
        }

        // Walk the smaller vector for the dot product; each norm over its own.
        var (small, large) = a.Count <= b.Count ? (a, b) : (b, a);
        double dot = 0;
        foreach (var (word, count) in small)
        {
            if (large.TryGetValue(word, out var other))
            {
                dot += (double)count * other;
            }
        }

        var score = dot / (Norm(a) * Norm(b));
        return Math.Clamp(score, 0, 1);
    }

    /// <summary>Each word's count: runs of letters and digits, lower-cased.</summary>
    internal static Dictionary<string, int> Words(string? text)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(text))
        {
            return counts;
        }

        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var inWord = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (inWord && start < 0)
            {
                start = i;
            }
            else if (!inWord && start >= 0)
            {
                var word = text[start..i].ToLowerInvariant();
                counts[word] = counts.GetValueOrDefault(word) + 1;
                start = -1;
            }
        }

        return counts;
    }

    private static double Norm(Dictionary<string, int> vector)
    {
        double sum = 0;
        foreach (var count in vector.Values)
        {
            sum += (double)count * count;
        }

        return Math.Sqrt(sum);
    }
}
