using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace AiMesh.Policy.Store;

/// <summary>
/// SQLite has no time type, and EF cannot compare or sort <see cref="DateTimeOffset"/> stored as text; Unix
/// milliseconds (UTC) compare, sort and read back on every SQLite tool.
/// </summary>
internal sealed class UnixMillisecondsConverter() : ValueConverter<DateTimeOffset, long>(
    v => v.ToUnixTimeMilliseconds(),
    v => DateTimeOffset.FromUnixTimeMilliseconds(v));
