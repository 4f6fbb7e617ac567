namespace AiMesh.Contracts.Metering;

/// <summary>
/// The shadowed requests of one model requested, primary model and shadow model, side by side. Exact figures, computed
/// from the stored results (not from a histogram).
/// </summary>
/// <param name="Currency">
/// The currency of the primary's cost (the shadow's when the primary's is unknown; null when neither is known): the
/// results of one comparison with costs in two currencies have a row for each.
/// </param>
/// <param name="Requests">Shadowed requests (one result each).</param>
/// <param name="PrimaryFailures">Of <paramref name="Requests"/>, those whose primary status was not 2xx.</param>
/// <param name="ShadowFailures">Of <paramref name="Requests"/>, those whose shadow call failed (an error code, or a status not 2xx).</param>
/// <param name="PrimaryLatencyP50Ms">
/// The median duration of the primary calls that answered (the lower median: the value at rank ⌈n/2⌉); null when none answered.
/// </param>
/// <param name="PrimaryLatencyMeanMs">The mean duration of the primary calls that answered; null when none answered.</param>
/// <param name="ShadowLatencyP50Ms">As <paramref name="PrimaryLatencyP50Ms"/>, of the shadow calls that answered.</param>
/// <param name="ShadowLatencyMeanMs">As <paramref name="PrimaryLatencyMeanMs"/>, of the shadow calls that answered.</param>
/// <param name="PrimaryCost">The primary costs in <paramref name="Currency"/>, summed exactly to a billionth (each rounded once, half away from zero).</param>
/// <param name="ShadowCost">The shadow costs in <paramref name="Currency"/>, the same way.</param>
/// <param name="PrimaryCosted">How many results' primary cost is in <paramref name="PrimaryCost"/> (the others were unknown).</param>
/// <param name="ShadowCosted">How many results' shadow cost is in <paramref name="ShadowCost"/> (unknown, or in another currency: not summed).</param>
/// <param name="Compared">How many results carry a similarity (both sides answered with text).</param>
/// <param name="MeanSimilarity">The mean of those similarities, 0 to 1; null when none.</param>
public sealed record ShadowComparisonRow(
    string ModelRequested,
    string PrimaryModel,
    string ShadowModel,
    string? Currency,
    long Requests,
    long PrimaryFailures,
    long ShadowFailures,
    double? PrimaryLatencyP50Ms,
    double? PrimaryLatencyMeanMs,
    double? ShadowLatencyP50Ms,
    double? ShadowLatencyMeanMs,
    long PrimaryPromptTokens,
    long PrimaryCompletionTokens,
    long ShadowPromptTokens,
    long ShadowCompletionTokens,
    decimal PrimaryCost,
    decimal ShadowCost,
    long PrimaryCosted,
    long ShadowCosted,
    long Compared,
    double? MeanSimilarity);
