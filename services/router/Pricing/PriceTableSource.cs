using AiMesh.Router.Configuration;

namespace AiMesh.Router.Pricing;

/// <summary>
/// Reads the price table once: the file <c>Router:Pricing:File</c> names, else the table shipped in the assembly.
/// The validator reports its errors at start; the router prices from <see cref="Table"/> (never null once the start
/// validation passed). It reads the path from configuration, not from <see cref="RouterOptions"/>, because it is
/// what validates those options.
/// </summary>
internal sealed class PriceTableSource(IConfiguration configuration)
{
    /// <summary>The embedded resource name of <c>Pricing/prices.json</c>.</summary>
    public const string ShippedResource = "AiMesh.Router.Pricing.prices.json";

    private readonly Lazy<(PriceTable? Table, IReadOnlyList<string> Errors)> loaded = new(() => Load(configuration[$"{RouterOptions.Section}:Pricing:File"]));

    public PriceTable? Table => loaded.Value.Table;

    public IReadOnlyList<string> Errors => loaded.Value.Errors;

    internal static (PriceTable? Table, IReadOnlyList<string> Errors) Load(string? file)
    {
        if (string.IsNullOrWhiteSpace(file))
        {
            using var stream = typeof(PriceTableSource).Assembly.GetManifestResourceStream(ShippedResource)
                ?? throw new InvalidOperationException($"The router was built without its price table ({ShippedResource}).");
            using var reader = new StreamReader(stream);
            return PriceTableReader.Read(reader.ReadToEnd(), "the shipped price table");
        }

        var origin = $"{RouterOptions.Section}:Pricing:File ({file})";
        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return (null, [$"{origin}: cannot be read ({exception.GetType().Name})."]);
        }

        return PriceTableReader.Read(text, origin);
    }
}
