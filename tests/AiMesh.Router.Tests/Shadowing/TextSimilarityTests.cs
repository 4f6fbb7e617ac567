using AiMesh.Router.Shadowing;

namespace AiMesh.Router.Tests.Shadowing;

/// <summary>The lexical score of two answers (services/router/Shadowing/TextSimilarity.cs): a pure function, known values.</summary>
public sealed class TextSimilarityTests
{
    [Fact]
    public void The_same_text_scores_one_whatever_its_case_punctuation_and_spacing()
    {
        Assert.Equal(1, TextSimilarity.Cosine("Paris is the capital of France.", "paris   IS the capital, of france!")!.Value, 12);
    }

    [Fact]
    public void Texts_without_a_common_word_score_zero()
    {
        Assert.Equal(0, TextSimilarity.Cosine("red green blue", "one two three")!.Value);
    }

    [Fact]
    public void Word_order_does_not_count_but_how_often_a_word_comes_does()
    {
        Assert.Equal(1, TextSimilarity.Cosine("a b c", "c b a")!.Value, 12);

        // (2, 1) against (1, 1): 3 / (√5 · √2).
        Assert.Equal(3 / (Math.Sqrt(5) * Math.Sqrt(2)), TextSimilarity.Cosine("yes yes no", "yes no")!.Value, 12);
    }

    [Fact]
    public void A_prefix_of_four_words_of_an_eight_word_answer_scores_one_over_root_two()
    {
        var full = "This is a deterministic reply from the AiMesh";
        var prefix = "This is a deterministic";

        Assert.Equal(1 / Math.Sqrt(2), TextSimilarity.Cosine(full, prefix)!.Value, 12);
        Assert.Equal(TextSimilarity.Cosine(full, prefix), TextSimilarity.Cosine(prefix, full));
    }

    [Theory]
    [InlineData(null, "text")]
    [InlineData("text", null)]
    [InlineData("", "text")]
    [InlineData("... !!! ,", "text")]
    public void No_score_when_either_text_has_no_word(string? first, string? second)
    {
        Assert.Null(TextSimilarity.Cosine(first, second));
    }

    [Fact]
    public void Letters_and_digits_of_any_script_are_words_and_the_score_stays_within_zero_and_one()
    {
        Assert.Equal(["42", "größe", "日本語"], TextSimilarity.Words("Größe: 42 — 日本語").Keys.Order(StringComparer.Ordinal).ToArray());

        var random = new Random(7);
        string Text() => string.Join(' ', Enumerable.Range(0, random.Next(1, 40)).Select(_ => ((char)('a' + random.Next(5))).ToString()));
        for (var i = 0; i < 500; i++)
        {
            Assert.InRange(TextSimilarity.Cosine(Text(), Text())!.Value, 0, 1);
        }
    }
}
