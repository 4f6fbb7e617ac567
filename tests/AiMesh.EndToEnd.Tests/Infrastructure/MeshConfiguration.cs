using System.Security.Cryptography;
using System.Text;

namespace AiMesh.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The configuration every test mesh runs with, as command-line arguments (exactly how an operator would pass
/// it): keys, templates and deployments pointing at the mock provider, some of them at fault scenarios.
/// </summary>
internal static class MeshConfiguration
{
    public static List<string> Common(Uri mock)
    {
        var args = new List<string>
        {
            "--urls=http://127.0.0.1:0",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:AiMesh=Warning",
            "--Logging:LogLevel:MassTransit=Error",
            $"--AIMESH_TEST_PROVIDER_KEY={TestEnvironment.ProviderKey}",
            $"--AIMESH_ADMIN_KEY={TestEnvironment.AdminKey}",
            // Every test calls from 127.0.0.1 and many send wrong keys on purpose: the guessing limit would hold the
            // address for the others (it is tested on its own: AiMesh.Policy.Tests, GuessingLimitTests). The ingress
            // counts refused tokens and certificates the same way.
            "--Policy:FailedAttempts:Limit=100000",
            "--Ingress:FailedAttempts:Limit=100000",
            "--Policy:Keys:0:Id=test-key",
            "--Policy:Keys:0:Principal=test-app",
            $"--Policy:Keys:0:Sha256={Sha256(TestEnvironment.ClientKey)}",
            "--Policy:Keys:0:Models:0=*",
            "--Policy:Keys:1:Id=limited-key",
            "--Policy:Keys:1:Principal=limited-app",
            $"--Policy:Keys:1:Sha256={Sha256(TestEnvironment.LimitedClientKey)}",
            "--Policy:Keys:1:Models:0=gpt-4o-mini",
            "--Prompts:Templates:greeter:Version=3",
            "--Prompts:Templates:greeter:Variables:0=name",
            "--Prompts:Templates:greeter:Messages:0:Role=system",
            "--Prompts:Templates:greeter:Messages:0:Content=Greet {{name}} warmly.",
            "--Router:Timeouts:Idle=00:00:01.500",
            // Two test requests of fifty concurrent ones waited longer than 5 s for three policy replicas sharing a
            // budget in Redis while other agents built on the same two cores (DistributedBudgetTests, 503
            // policy_unavailable). No test asserts the policy timeout itself.
            "--Ingress:PolicyTimeout=00:00:10",

            // Test projects share two cores in CI: a hand-over to the saga has taken longer than the production 2 s
            // there (a CostTests request answered 529), and a slow one turns the next second's requests away. The
            // outage tests still see their 503s well within their clients' timeouts.
            "--Ingress:SubmitTimeout=00:00:05",

            // No test request needs more than a minute; a request stuck inside the mesh then ends in a 504 that fails
            // its test by name, instead of the production 10 minutes of heartbeats holding a streaming client.
            "--Ingress:RequestTimeout=00:01:00",

            // Telemetry on, as in production (the collector address is closed: spans are dropped, the wiring runs).
            "--OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:9",
        };

        var deployments = new (string Model, string Spec, string Api)[]
        {
            ("gpt-4o-mini", "", "chat.completions"),
            ("cut-model", "cutAfter=3", "chat.completions"),
            ("stall-model", "stallAfter=2", "chat.completions"),
            ("limited-model", "status=429;retryAfter=7", "chat.completions"),
            ("broken-model", "status=500", "chat.completions"),
            ("slow-model", "pace=100;tokens=200", "chat.completions"),
            ("lagging-model", "latency=3000", "chat.completions"),
            ("text-embedding-3-small", "", "embeddings"),
        };
        for (var i = 0; i < deployments.Length; i++)
        {
            var (model, spec, api) = deployments[i];
            var baseUrl = spec.Length == 0 ? new Uri(mock, "v1") : new Uri(new Uri(mock, "s/" + Uri.EscapeDataString(spec) + "/"), "v1");
            args.Add($"--Router:Deployments:{i}:Name={model}-mock");
            args.Add($"--Router:Deployments:{i}:Model={model}");
            args.Add($"--Router:Deployments:{i}:Provider=openai");
            args.Add($"--Router:Deployments:{i}:BaseUrl={baseUrl}");
            args.Add($"--Router:Deployments:{i}:UpstreamModel={(api == "embeddings" ? "mock-embed" : "mock-gpt")}");
            args.Add($"--Router:Deployments:{i}:ApiKeyEnv=AIMESH_TEST_PROVIDER_KEY");
            args.Add($"--Router:Deployments:{i}:Headers:x-deployment={model}");
            args.Add($"--Router:Deployments:{i}:Api:0={api}");
        }

        // Native providers, each on the mock's own wire format for it (see tools/mock-provider/README.md).
        var root = mock.ToString().TrimEnd('/');
        var native = new (string Model, string Provider, string BaseUrl, string Upstream)[]
        {
            ("claude-mock", "anthropic", root + "/v1", "claude-sonnet-4-5"),
            ("claude-cut-mock", "anthropic", root + "/s/cutAfter=3/v1", "claude-sonnet-4-5"),
            ("gemini-mock", "gemini", root + "/v1beta", "gemini-2.5-flash"),
            ("bedrock-mock", "bedrock", root + "/", "anthropic.claude-3-haiku-20240307-v1:0"),
        };
        args.Add("--AIMESH_TEST_AWS_KEY_ID=AKIDMOCKBEDROCK");
        args.Add("--AIMESH_TEST_AWS_SECRET=mock/bedrock+secret/for+tests+only");
        for (var j = 0; j < native.Length; j++)
        {
            var (model, provider, baseUrl, upstream) = native[j];
            var at = $"--Router:Deployments:{deployments.Length + j}:";
            args.Add($"{at}Name={model}");
            args.Add($"{at}Model={model}");
            args.Add($"{at}Provider={provider}");
            args.Add($"{at}BaseUrl={baseUrl}");
            args.Add($"{at}UpstreamModel={upstream}");
            args.Add($"{at}Api:0=chat.completions");
            if (provider == "bedrock")
            {
                args.Add($"{at}Region=us-east-1");
                args.Add($"{at}AwsAccessKeyIdEnv=AIMESH_TEST_AWS_KEY_ID");
                args.Add($"{at}AwsSecretAccessKeyEnv=AIMESH_TEST_AWS_SECRET");
            }
            else
            {
                args.Add($"{at}ApiKeyEnv=AIMESH_TEST_PROVIDER_KEY");
            }
        }

        return args;
    }

    public static string Sha256(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
