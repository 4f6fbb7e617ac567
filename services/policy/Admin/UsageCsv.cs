using System.Globalization;
using System.Text;
using AiMesh.Contracts.Metering;

namespace AiMesh.Policy.Admin;

/// <summary>
/// The chargeback export as CSV (RFC 4180: a header row, CRLF line ends, a field quoted when it holds a comma, a quote
/// or a line break, quotes doubled). A text cell that a spreadsheet would read as a formula (starting with
/// <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, a tab or a carriage return) is prefixed with <c>'</c>. The team cell is the
/// line's own team, else the team exported (a line from a metering that predates <c>UsageExportLine.TeamId</c>), else empty
/// (an organization's requests without a team).
/// </summary>
internal static class UsageCsv
{
    public const string Header = "day,team,key,currency,requests,input_tokens,output_tokens,cached_tokens,reasoning_tokens,cost,price_table_versions";

    public static string Write(string? team, IReadOnlyList<UsageExportLine> lines)
    {
        var csv = new StringBuilder(Header).Append("\r\n");
        foreach (var line in lines)
        {
            csv.Append(line.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append(',')
                .Append(Text(line.TeamId ?? team ?? "")).Append(',')
                .Append(Text(line.KeyId)).Append(',')
                .Append(Text(line.Currency ?? "")).Append(',')
                .Append(Number(line.Requests)).Append(',')
                .Append(Number(line.InputTokens)).Append(',')
                .Append(Number(line.OutputTokens)).Append(',')
                .Append(Number(line.CachedTokens)).Append(',')
                .Append(Number(line.ReasoningTokens)).Append(',')
                .Append(line.Cost.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(Text(string.Join(';', line.PriceTableVersions))).Append("\r\n");
        }

        return csv.ToString();
    }

    /// <summary>One text cell, defused and quoted as needed.</summary>
    public static string Text(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
