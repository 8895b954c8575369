// The anchor: oidc-provider (v9) in its own process, configured as its documentation says
// for one confidential client using client credentials and introspection with
// client_secret_basic and opaque access tokens. Its default adapter keeps state in memory.
// Reads the client from ANCHOR_CLIENT_ID, ANCHOR_CLIENT_SECRET and ANCHOR_SCOPE; prints its URL
// when listening.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import Provider from 'oidc-provider';

const { ANCHOR_CLIENT_ID: clientId, ANCHOR_CLIENT_SECRET: clientSecret, ANCHOR_SCOPE: scope } = process.env;
if (!clientId || !clientSecret || !scope)
  throw new Error('ANCHOR_CLIENT_ID, ANCHOR_CLIENT_SECRET and ANCHOR_SCOPE are required');

// The docs ask for the deployment's own signing keys and cookie keys (the built-in ones are
// for quick starts only and print a warning); neither is used by the two endpoints measured.
const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });

const provider = new Provider('http://127.0.0.1', {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
      scope,
    },
  ],
  scopes: [scope],
  features: {
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    devInteractions: { enabled: false },
  },
  jwks: { keys: [{ ...signingKey, use: 'sig', alg: 'RS256', kid: 'bench' }] },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
});

const server = provider.listen(0, '127.0.0.1', () => {
  process.stdout.write(`oidc-provider listening on http://127.0.0.1:${server.address().port}\n`);
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => server.close(() => process.exit(0)));
}
