namespace AiMesh.MockProvider.Chat;

/// <summary>The mock's tokenizer: a token is a whitespace-separated word.</summary>
internal static class Words
{
    public static int Count(ReadOnlySpan<char> text)
    {
        var count = 0;
        var inWord = false;
        foreach (var c in text)
        {
            var space = char.IsWhiteSpace(c);
            if (!space && !inWord)
            {
                count++;
            }

            inWord = !space;
        }

        return count;
    }

    public static string[] Split(string text) =>
        text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
}
