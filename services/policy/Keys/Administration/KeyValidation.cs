namespace AiMesh.Policy.Keys.Administration;

/// <summary>
/// Collects every validation error of one administration call, keyed by field. Checks run before anything touches
/// the database, so text the database would refuse (PostgreSQL refuses NUL in text) or that is simply absurd (a
/// 10 KB model name) comes back as a validation error, never as an exception.
/// </summary>
internal sealed class KeyValidation
{
    public const int MaxModels = 200;
    public const int MaxNameLength = 200;
    public const int MaxNetworks = 100;
    public const int MaxTags = 50;
    public const int MaxTagKeyLength = 100;
    public const int MaxTagValueLength = 500;
    public static readonly TimeSpan MaxRotationGrace = TimeSpan.FromDays(30);

    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsValid => _errors.Count == 0;

    public IReadOnlyDictionary<string, string[]> Errors => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var messages))
        {
            _errors[field] = messages = [];
        }

        messages.Add(message);
    }

    /// <summary>Non-empty, at most <paramref name="maxLength"/> characters, no control characters (NUL included).</summary>
    public bool Text(string field, string? value, int maxLength = MaxNameLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, "must not be empty.");
            return false;
        }

        if (value.Length > maxLength)
        {
            Add(field, $"must be at most {maxLength} characters.");
            return false;
        }

        if (value.Any(char.IsControl))
        {
            Add(field, "must not contain control characters.");
            return false;
        }

        return true;
    }

    public void Names(string field, IReadOnlyList<string>? names, int maxCount = MaxModels)
    {
        if (names is null)
        {
            return;
        }

        if (names.Count > maxCount)
        {
            Add(field, $"must name at most {maxCount} entries.");
            return;
        }

        for (var i = 0; i < names.Count; i++)
        {
            Text($"{field}[{i}]", names[i]);
        }
    }

    public void Networks(string field, IReadOnlyList<string>? entries)
    {
        if (entries is null)
        {
            return;
        }

        if (entries.Count > MaxNetworks)
        {
            Add(field, $"must name at most {MaxNetworks} networks.");
            return;
        }

        for (var i = 0; i < entries.Count; i++)
        {
            if (!KeyNetworks.TryParse(entries[i], out _))
            {
                Add($"{field}[{i}]", "must be an IPv4 or IPv6 address or CIDR block with no bits set past its prefix (10.0.0.0/8, 2001:db8::/32).");
            }
        }
    }

    public void Tags(string field, IReadOnlyDictionary<string, string>? tags)
    {
        if (tags is null)
        {
            return;
        }

        if (tags.Count > MaxTags)
        {
            Add(field, $"must hold at most {MaxTags} tags.");
            return;
        }

        foreach (var (key, value) in tags)
        {
            if (Text($"{field}.key", key, MaxTagKeyLength) && value is not null && (value.Length > MaxTagValueLength || value.Any(char.IsControl)))
            {
                Add($"{field}[{key}]", $"must be at most {MaxTagValueLength} characters with no control characters.");
            }
        }
    }

    public void Owner(string field, KeyOwner? owner)
    {
        var count = owner is null ? 0 : (owner.UserId is null ? 0 : 1) + (owner.TeamId is null ? 0 : 1) + (owner.ServiceAccountId is null ? 0 : 1);
        if (count != 1)
        {
            Add(field, "give exactly one of userId, teamId or serviceAccountId.");
        }
    }

    public void Future(string field, DateTimeOffset? value, DateTimeOffset now)
    {
        if (value is { } instant && instant <= now)
        {
            Add(field, "must be in the future.");
        }
    }
}
