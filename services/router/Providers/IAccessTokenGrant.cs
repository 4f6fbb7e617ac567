namespace AiMesh.Router.Providers;

/// <summary>
/// What buys an access token at an OAuth token endpoint (<see cref="AccessTokenCache"/>): Vertex AI's signed
/// service-account assertion (RFC 7523), Azure's Entra ID client credentials. Holds the secret it posts and prints none.
/// </summary>
internal interface IAccessTokenGrant
{
    /// <summary>The token endpoint, from configuration: the only place the grant's secret is sent.</summary>
    Uri TokenUrl { get; }

    /// <summary>
    /// Who the token is for, with value equality (e.g. the account and key id): grants with equal identities at the
    /// same endpoint share one cached token, so deployments of one account make one exchange.
    /// </summary>
    object Identity { get; }

    /// <summary>The form fields of one exchange, made when it starts (an assertion is dated).</summary>
    IReadOnlyList<KeyValuePair<string, string>> Form(DateTimeOffset now);
}
