using AiMesh.Hosting;
using AiMesh.Policy.Audit;
using AiMesh.Policy.Secrets;
using AiMesh.Policy.Store;

namespace AiMesh.Policy;

public static class Program
{
    /// <summary>
    /// <c>AiMesh.Policy</c> serves; <c>AiMesh.Policy migrate</c> brings the schema to the current version and exits;
    /// <c>AiMesh.Policy audit verify</c> checks the audit trail's hash chain and exits non-zero if it is broken;
    /// <c>AiMesh.Policy secrets rotate</c> re-encrypts the provider credentials under the current master key.
    /// </summary>
    public static async Task<int> Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args is [MigrateCommand.Name, .. var rest])
        {
            return await MigrateCommand.RunAsync(rest);
        }

        if (args is ["audit", "verify", .. var verifyArgs])
        {
            return await AuditVerifyCommand.RunAsync(verifyArgs, Console.Out, Console.Error);
        }

        if (args is ["secrets", "rotate", .. var rotateArgs])
        {
            return await SecretsRotateCommand.RunAsync(rotateArgs, Console.Out, Console.Error);
        }

        var app = MeshHost.Build(args, "aimesh-policy", _ => [new PolicyModule()]);
        await app.RunAsync();
        return 0;
    }
}
