using AiMesh.Bench.PolicyDecision;

// Policy's decision with few and with many stored keys, each a cache hit:
// `dotnet run -c Release --project bench/PolicyDecision [keys] [asks] [rounds]`. Results: docs/benchmarks.md.
var keys = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
var asks = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 20_000;
var rounds = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 3;
await using var policy = await DecisionHost.StartAsync();

Console.WriteLine("stored keys | asks | in-memory bus round trip p50 (µs) | p99 (µs) | cache lookup alone (ns)");
await policy.SeedAsync(10);
for (var round = 0; round < rounds; round++)
{
    Console.WriteLine((await policy.MeasureAsync(asks)).Row());
}

await policy.SeedAsync(keys - 10);
for (var round = 0; round < rounds; round++)
{
    Console.WriteLine((await policy.MeasureAsync(asks)).Row());
}
