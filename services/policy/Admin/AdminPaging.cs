using System.Buffers.Text;

namespace AiMesh.Policy.Admin;

/// <summary>
/// Keyset pagination for every admin list: items in id order, <c>limit</c> 1–200 (default 50), and an opaque
/// <c>cursor</c> naming the last id already returned. Unlike an offset, a page never repeats or skips an item
/// because something was created or deleted meanwhile.
/// </summary>
internal sealed record AdminPaging(int Limit, Guid? After)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    /// <returns>The paging, or null with the validation errors added to <paramref name="errors"/>.</returns>
    public static AdminPaging? Parse(string? limit, string? cursor, Dictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var count = errors.Count;
        var size = DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out size) || size is < 1 or > MaxLimit))
        {
            errors["limit"] = [$"must be a whole number from 1 to {MaxLimit}."];
        }

        Guid? after = null;
        if (cursor is not null)
        {
            if (cursor.Length == 22 && Base64Url.IsValid(cursor) && Base64Url.DecodeFromChars(cursor) is { Length: 16 } bytes)
            {
                after = new Guid(bytes);
            }
            else
            {
                errors["cursor"] = ["is not a cursor this API returned."];
            }
        }

        return errors.Count > count ? null : new AdminPaging(size, after);
    }

    public static string Cursor(Guid after) => Base64Url.EncodeToString(after.ToByteArray());

    /// <summary>Cuts one extra item read to tell whether another page follows.</summary>
    public AdminPage<TView> Page<TItem, TView>(IReadOnlyList<TItem> oneMore, Func<TItem, Guid> id, Func<TItem, TView> view) =>
        new(
            [.. oneMore.Take(Limit).Select(view)],
            oneMore.Count > Limit ? Cursor(id(oneMore[Limit - 1])) : null);
}
