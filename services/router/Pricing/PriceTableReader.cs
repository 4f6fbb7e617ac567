using System.Text.Json;

namespace AiMesh.Router.Pricing;

/// <summary>
/// Reads a price table (the format of <c>Pricing/prices.json</c>) and reports every problem at once: a version
/// missing, a currency that is not a known ISO 4217 code, a price that is negative or not a number, a provider or
/// model without its source and date, a model (or alias) named twice. A table with any error is refused whole: a
/// request priced from half a table would be a wrong bill, not a missing one.
/// </summary>
internal static class PriceTableReader
{
    // The currencies a provider bills in; a typo ("USS", "usd ") is refused rather than carried into every bill.
    private static readonly HashSet<string> Currencies = new(StringComparer.Ordinal)
    {
        "USD", "EUR", "GBP", "JPY", "CHF", "CAD", "AUD", "CNY", "INR", "SEK", "NOK", "DKK", "PLN", "SGD", "HKD", "KRW", "BRL", "MXN",
    };

    private static readonly string[] PriceMembers = ["input", "output", "cachedInput", "cacheWrite", "reasoning", "perRequest", "perImage"];

    private static readonly HashSet<string> ModelMembers = new([.. PriceMembers, "aliases", "source", "date", "note"], StringComparer.Ordinal);

    public static (PriceTable? Table, IReadOnlyList<string> Errors) Read(string json, string origin)
    {
        var errors = new List<string>();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException exception)
        {
            return (null, [$"{origin}: not JSON ({exception.Message})."]);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, [$"{origin}: the table must be a JSON object."]);
            }

            var version = Text(root, "version");
            if (version is null)
            {
                errors.Add($"{origin}: version is required.");
            }

            var currency = Text(root, "currency");
            if (currency is null || !Currencies.Contains(currency))
            {
                errors.Add($"{origin}: currency '{currency}' is not a known ISO 4217 code ({string.Join(", ", Currencies.Order(StringComparer.Ordinal))}).");
            }

            var models = new Dictionary<(string, string), ModelPrice>();
            if (!root.TryGetProperty("providers", out var providers) || providers.ValueKind != JsonValueKind.Object)
            {
                errors.Add($"{origin}: providers must be an object of providers.");
            }
            else
            {
                var seenProviders = new HashSet<string>(StringComparer.Ordinal);
                foreach (var provider in providers.EnumerateObject())
                {
                    if (!seenProviders.Add(provider.Name))
                    {
                        errors.Add($"{origin}: provider '{provider.Name}' is listed twice.");
                        continue;
                    }

                    ReadProvider(errors, models, origin, provider);
                }
            }

            return errors.Count == 0 ? (new PriceTable(version!, currency!, models), errors) : (null, errors);
        }
    }

    private static void ReadProvider(List<string> errors, Dictionary<(string, string), ModelPrice> models, string origin, JsonProperty provider)
    {
        var at = $"{origin}: provider '{provider.Name}'";
        if (provider.Value.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"{at} must be an object.");
            return;
        }

        var source = Text(provider.Value, "source");
        var date = Text(provider.Value, "date");
        if (!provider.Value.TryGetProperty("models", out var entries) || entries.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"{at}: models must be an object of models.");
            return;
        }

        foreach (var entry in entries.EnumerateObject())
        {
            var where = $"{at}, model '{entry.Name}'";
            if (entry.Value.ValueKind != JsonValueKind.Object)
            {
                errors.Add($"{where} must be an object.");
                continue;
            }

            foreach (var member in entry.Value.EnumerateObject().Where(m => !ModelMembers.Contains(m.Name)))
            {
                errors.Add($"{where}: unknown member '{member.Name}' (a misspelt price would silently bill 0 or the input price).");
            }

            var price = ReadPrice(errors, where, entry.Value, Text(entry.Value, "source") ?? source, Text(entry.Value, "date") ?? date);
            if (price is null)
            {
                continue;
            }

            foreach (var name in Names(errors, where, entry))
            {
                if (!models.TryAdd((provider.Name, name), price))
                {
                    errors.Add($"{at}: model '{name}' is priced twice.");
                }
            }
        }
    }

    private static ModelPrice? ReadPrice(List<string> errors, string where, JsonElement entry, string? source, string? date)
    {
        var count = errors.Count;
        var values = new Dictionary<string, decimal?>(StringComparer.Ordinal);
        foreach (var member in PriceMembers)
        {
            values[member] = Price(errors, where, entry, member);
        }

        if (values["input"] is null || values["output"] is null)
        {
            errors.Add($"{where}: input and output prices are required.");
        }

        if (source is null || date is null)
        {
            errors.Add($"{where}: source and date are required (on the model or its provider).");
        }

        return errors.Count > count ? null : new ModelPrice(
            values["input"]!.Value, values["output"]!.Value, values["cachedInput"], values["cacheWrite"], values["reasoning"],
            values["perRequest"], values["perImage"], source, date);
    }

    private static decimal? Price(List<string> errors, string where, JsonElement entry, string member)
    {
        if (!entry.TryGetProperty(member, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDecimal(out var price))
        {
            errors.Add($"{where}: {member} must be a number.");
            return null;
        }

        if (price < 0)
        {
            errors.Add($"{where}: {member} is negative.");
            return null;
        }

        return price;
    }

    private static List<string> Names(List<string> errors, string where, JsonProperty entry)
    {
        var names = new List<string> { entry.Name };
        if (entry.Value.TryGetProperty("aliases", out var aliases))
        {
            if (aliases.ValueKind != JsonValueKind.Array || aliases.EnumerateArray().Any(a => a.ValueKind != JsonValueKind.String))
            {
                errors.Add($"{where}: aliases must be a list of model names.");
            }
            else
            {
                names.AddRange(aliases.EnumerateArray().Select(a => a.GetString()!));
            }
        }

        return names;
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : null;
}
