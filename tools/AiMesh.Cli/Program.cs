namespace AiMesh.Cli;

public static class Program
{
    /// <summary><c>aimesh keys|teams|users …</c> against <c>AIMESH_URL</c> (default http://127.0.0.1:8080) with <c>AIMESH_ADMIN_KEY</c> or <c>AIMESH_ADMIN_TOKEN</c>.</summary>
    public static Task<int> Main(string[] args) =>
        CliRunner.RunAsync(args, Environment.GetEnvironmentVariable, Console.Out, Console.Error, CancellationToken.None);
}
