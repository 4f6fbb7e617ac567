namespace AiMesh.EndToEnd.Tests.Authentication;

/// <summary>
/// Client certificates allowed, one identity provider with a static ES256 key, and a guessing limit of
/// <see cref="Limit"/> refusals per address at the ingress (policy's own limit stays off, as in every test mesh).
/// </summary>
public sealed class GuessingLimitMesh : MtlsMesh
{
    public const int Limit = 3;
    public const string Issuer = "https://guessing.aimesh.test/";
    public const string Audience = "aimesh-gateway";

    public TestSigningKey Key { get; } = TestSigningKey.Ec("guessing-ec");

    protected override string Mode => "Allow";

    protected override async Task ConfigureAsync(List<string> args, string directory)
    {
        await base.ConfigureAsync(args, directory);
        args.AddRange(
        [
            $"--Ingress:FailedAttempts:Limit={Limit}",
            "--Ingress:FailedAttempts:Window=00:10:00",
            $"--Ingress:Jwt:Issuers:0:Issuer={Issuer}",
            $"--Ingress:Jwt:Issuers:0:Audiences:0={Audience}",
            $"--Ingress:Jwt:Issuers:0:Keys:0={Key.PublicPem}",
            "--Ingress:Jwt:Issuers:0:RoleClaim=roles",
        ]);
    }
}
