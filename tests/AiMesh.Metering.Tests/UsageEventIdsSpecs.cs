using System.Text;
using AiMesh.Metering.Recording;

namespace AiMesh.Metering.Tests;

public sealed class UsageEventIdsSpecs
{
    [Fact]
    public void Name_based_ids_match_the_RFC_version_5_algorithm()
    {
        // Python: uuid.uuid5(uuid.NAMESPACE_DNS, "python.org")
        var dns = new Guid("6ba7b810-9dad-11d1-80b4-00c04fd430c8");

        var id = UsageEventIds.NameBased(dns, Encoding.UTF8.GetBytes("python.org"));

        Assert.Equal(new Guid("886313e1-3b8a-5372-9b90-0c9aee199e5d"), id);
    }

    [Fact]
    public void A_request_always_gets_the_same_version_5_event_id_distinct_from_its_own_id()
    {
        var request = Guid.NewGuid();

        var id = UsageEventIds.For(request);

        Assert.Equal(id, UsageEventIds.For(request));
        Assert.NotEqual(request, id);
        Assert.NotEqual(UsageEventIds.For(Guid.NewGuid()), id);
        Assert.Equal(5, id.Version);
        Assert.Equal('5', id.ToString()[14]);
    }
}
