namespace AiMesh.Hosting.Jwt;

/// <summary>
/// Whether a credential is shaped like a JWS compact token: three base64url segments separated by dots, header and
/// payload not empty (the signature may be, as in an <c>alg: none</c> token, which is then refused as a JWT). API keys
/// never contain a dot, so no key is taken for a token.
/// </summary>
public static class JwtShape
{
    public static bool Matches(string credential)
    {
        var segments = 0;
        var length = 0;
        foreach (var c in credential)
        {
            if (c == '.')
            {
                if (length == 0 || ++segments > 2)
                {
                    return false;
                }

                length = 0;
                continue;
            }

            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                return false;
            }

            length++;
        }

        return segments == 2;
    }
}
