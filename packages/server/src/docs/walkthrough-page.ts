import { type SafeHtml, html } from '../plugins/html.js';
import { code, docsPage } from './docs-layout.js';

/** GET /docs/walkthrough: one app, both dialects, start to finish, with this deployment's URLs. */
export function walkthroughPage(issuer: string): SafeHtml {
  const callback = 'http://127.0.0.1:9000/callback';
  const authorize = `${issuer}/oauth/authorize?client_id=CLIENT_ID&redirect_uri=${encodeURIComponent(callback)}&scope=PROFILE:READ+PHONE:READ&state=STATE&code_challenge=CHALLENGE&code_challenge_method=S256`;
  return docsPage(
    '/docs/walkthrough',
    'Walkthrough',
    html`<h1>Walkthrough</h1>
<p>Register an app on the <a href="/dashboard">dashboard</a> with the callback URL <code>${callback}</code>
and note its client ID and secret. Then take one of the two roads below.</p>

<section aria-labelledby="standard"><h2 id="standard">Standard dialect: authorization code + PKCE, with curl</h2>
<ol>
<li>Make a PKCE pair: a random verifier and its S256 challenge.
${code(
  `VERIFIER=$(openssl rand -base64 32 | tr '+/' '-_' | tr -d '=')
CHALLENGE=$(printf %s "$VERIFIER" | openssl dgst -sha256 -binary | openssl base64 | tr '+/' '-_' | tr -d '=')`,
  'PKCE pair in a shell',
)}</li>
<li>Send the user's browser to the authorization URL. They sign in, see the consent page and press <strong>Authorize</strong>.
${code(authorize, 'Authorization URL')}
The browser comes back to <code>${callback}?code=CODE&amp;state=STATE&amp;iss=${issuer}</code>. Check <code>state</code> and <code>iss</code>.</li>
<li>Exchange the code:
${code(
  `curl -u CLIENT_ID:CLIENT_SECRET \\
  -d grant_type=authorization_code -d code=CODE \\
  -d redirect_uri=${callback} -d code_verifier=$VERIFIER \\
  ${issuer}/oauth/token
# {"access_token":"…","token_type":"Bearer","expires_in":3600,"refresh_token":"…","scope":"PROFILE:READ PHONE:READ","authorization_id":"…"}`,
  'Code exchange with curl',
)}
A public app sends <code>-d client_id=CLIENT_ID</code> instead of <code>-u</code>.</li>
<li>Call the API with the bearer token, and refresh it when it expires (each refresh token works once):
${code(
  `curl -H "Authorization: Bearer ACCESS_TOKEN" ${issuer}/me
curl -u CLIENT_ID:CLIENT_SECRET -d grant_type=refresh_token -d refresh_token=REFRESH_TOKEN ${issuer}/oauth/token`,
  'Bearer call and refresh',
)}</li>
</ol></section>

<section aria-labelledby="platform"><h2 id="platform">Platform dialect: Mixin's form, with the Mixin SDK</h2>
<p>The same authorization URL gives the code. The app then binds an ed25519 key to the authorization
instead of taking a bearer token, and signs every request with it. With
<a href="https://www.npmjs.com/package/@mixin.dev/mixin-node-sdk">@mixin.dev/mixin-node-sdk</a>:</p>
${code(
  `import { MixinApi, getED25519KeyPair } from '@mixin.dev/mixin-node-sdk';

const requestConfig = { baseURL: '${issuer}' };
const { seed, publicKey } = getED25519KeyPair();

// POST /oauth/token with {"client_id","code","client_secret","ed25519"}
const { authorization_id, scope } = await MixinApi({ requestConfig }).oauth.getToken({
  client_id: CLIENT_ID,
  code: CODE,
  client_secret: CLIENT_SECRET,          // or code_verifier: VERIFIER
  ed25519: publicKey.toString('base64url'),
});

// every call is now a fresh EdDSA JWT signed with the seed (PROTOCOL.md §9)
const user = MixinApi({
  requestConfig,
  keystore: { app_id: CLIENT_ID, authorization_id, scope, session_private_key: seed.toString('hex') },
});
console.log(await user.user.profile()); // GET /me`,
  'Platform dialect with the Mixin SDK',
)}
<p>Without <code>ed25519</code> the same call answers <code>{"data":{"access_token","scope","authorization_id"}}</code>, a bearer token.</p></section>

<section aria-labelledby="signed"><h2 id="signed">A signed request by hand</h2>
<p>What the SDK sends to <code>GET /me</code>: a compact JWS with header <code>{"alg":"EdDSA","typ":"JWT"}</code>, signed with the key
bound above, carried as <code>Authorization: Bearer &lt;jws&gt;</code>:</p>
${code(
  `{
  "iss": "CLIENT_ID",                   // the app
  "aid": "AUTHORIZATION_ID",            // from the token answer
  "scp": "PROFILE:READ PHONE:READ",     // at most what was granted
  "sig": "<hex sha256 of 'GET' + '/me' + ''>",
  "jti": "<uuid, equal to X-Request-Id when sent>",
  "iat": 1767225600,
  "exp": 1767229200
}`,
  'Claims of a signed request',
)}
<p>A user acting as themselves (a keystore from <a href="/account">the account page</a>) signs with <code>uid</code>, <code>sid</code> and <code>scp: "FULL"</code> instead.
Each <code>jti</code> works once; a token is refused once the user revokes the app.</p></section>`,
  );
}
