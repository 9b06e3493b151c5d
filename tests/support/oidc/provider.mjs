// A real OpenID Connect provider (oidc-provider, a certified implementation) on loopback, for
// Charter's single sign-on tests. Usage:
//
//   node provider.mjs PORT [BACKCHANNEL_LOGOUT_URI [CONSOLE_REDIRECT_URIS]]
//
// Clients: `charter` (confidential, secret `charter-secret`, PKCE, back-channel logout to the given
// URI; also the web console's client: CONSOLE_REDIRECT_URIS, comma-separated, are its extra redirect
// URIs, e.g. http://127.0.0.1:8080/console/sso/callback), `charter-console` (a public client of the
// console: no secret, PKCE only, the same redirect URIs and back-channel logout), `other-app` (a second relying party: its ID tokens carry another audience) and `charter-short`
// (ID tokens that expire after 1 second). People are the ACCOUNTS below; a test signs one in
// non-interactively by sending `login_hint=<account>` on the authorization request: the interaction
// route below is the "login page" and signs that account in (with its acr/amr) at once.
// `login_hint=page:<account>` shows a login page with one button instead (browser tests). The rest is
// the provider's own, standards-compliant behaviour: authorization code + PKCE, discovery, JWKS,
// JWT access tokens for the resource `RESOURCE` (RFC 8707), RP-initiated logout and back-channel logout.
//
// Test-only routes: POST /test/rotate (a new signing key comes first in the JWKS, the old one stays
// published), GET /test/health.
import * as crypto from 'node:crypto';
import * as http from 'node:http';

import Provider from 'oidc-provider';

const port = Number(process.argv[2]);
const backchannelUri = process.argv[3];
const consoleRedirects = (process.argv[4] || '').split(',').filter(Boolean);
const issuer = `http://127.0.0.1:${port}`;
const RESOURCE = 'https://charter.test/api';
const REDIRECT = 'http://127.0.0.1/callback';

const ACCOUNTS = {
  ada: { groups: ['charter-admins'], tenant: 'agency', acr: 'urn:charter:mfa', amr: ['pwd', 'otp', 'mfa'] },
  adam: { groups: ['charter-admins'], tenant: 'agency', acr: 'urn:charter:pwd', amr: ['pwd'] },
  dev: { groups: ['staff', 'charter-developers'], tenant: 'agency', acr: 'urn:charter:pwd', amr: ['pwd'] },
  rita: { groups: ['charter-reviewers'], tenant: 'agency', acr: 'urn:charter:pwd', amr: ['pwd'] },
  otto: { groups: ['charter-auditors'], tenant: 'agency', acr: 'urn:charter:pwd', amr: ['pwd'] },
  nomad: { groups: ['staff'], tenant: 'agency', acr: 'urn:charter:pwd', amr: ['pwd'] },
};

function newKey() {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: crypto.randomUUID(), use: 'sig', alg: 'RS256' };
}

const keys = [newKey()];
const cookieKeys = [crypto.randomBytes(32).toString('hex')];

const client = (id, extra = {}) => ({
  client_id: id,
  client_secret: `${id}-secret`,
  redirect_uris: [REDIRECT],
  post_logout_redirect_uris: [REDIRECT],
  grant_types: ['authorization_code'],
  response_types: ['code'],
  ...extra,
});

const publicClient = (id, extra = {}) => {
  const { client_secret: _secret, ...rest } = client(id, { token_endpoint_auth_method: 'none', ...extra });
  return rest;
};

function configuration() {
  return {
    clients: [
      client('charter', {
        redirect_uris: [REDIRECT, ...consoleRedirects],
        ...(backchannelUri ? { backchannel_logout_uri: backchannelUri, backchannel_logout_session_required: true } : {}),
      }),
      publicClient('charter-console', {
        redirect_uris: [REDIRECT, ...consoleRedirects],
        ...(backchannelUri ? { backchannel_logout_uri: backchannelUri, backchannel_logout_session_required: true } : {}),
      }),
      client('other-app'),
      client('charter-short'),
    ],
    jwks: { keys },
    cookies: { keys: cookieKeys },
    claims: { openid: ['sub', 'acr', 'amr', 'auth_time'], charter: ['groups', 'tenant'] },
    acrValues: ['urn:charter:mfa', 'urn:charter:pwd'],
    conformIdTokenClaims: false,
    scopes: ['openid', 'charter', 'api'],
    features: {
      devInteractions: { enabled: false },
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: { enabled: true, logoutSource: async (ctx, form) => { ctx.body = form; } },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => undefined,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (ctx, resource) => {
          if (resource !== RESOURCE) throw new Provider.errors.InvalidTarget();
          return { scope: 'api', audience: RESOURCE, accessTokenFormat: 'jwt', accessTokenTTL: 3600 };
        },
      },
    },
    ttl: { IdToken: (ctx, token, c) => (c?.clientId === 'charter-short' ? 1 : 3600) },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: async (ctx, id) => {
      const account = ACCOUNTS[id];
      if (!account) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, groups: account.groups, tenant: account.tenant }) };
    },
    extraTokenClaims: async (ctx, token) => {
      const account = ACCOUNTS[token.accountId];
      if (!account) return undefined;
      return { groups: account.groups, tenant: account.tenant, acr: account.acr, amr: account.amr, sid: token.sid };
    },
    pkce: { required: () => true },
    // The provider refuses to send requests (here: back-channel logout) to special-use addresses such as
    // loopback, an SSRF guard for production; in this test both it and Charter live on 127.0.0.1.
    fetch: (url, options) => globalThis.fetch(url, { ...options, dispatcher: undefined }),
    clientDefaults: { id_token_signed_response_alg: 'RS256' },
  };
}

function build() {
  const built = new Provider(issuer, configuration());
  built.on('backchannel.error', (ctx, err, c) => process.stderr.write(`backchannel.error ${c.clientId}: ${err} ${err?.cause}\n`));
  built.on('backchannel.success', (ctx, c) => process.stderr.write(`backchannel.success ${c.clientId}\n`));
  built.on('server_error', (ctx, err) => process.stderr.write(`server_error ${err?.stack || err}\n`));
  return built;
}

let provider = build();

async function interaction(req, res) {
  const details = await provider.interactionDetails(req, res);
  const { prompt, params, session } = details;
  if (prompt.name === 'login') {
    let accountId = params.login_hint;
    if (typeof accountId === 'string' && accountId.startsWith('page:')) {
      // a login page the person submits (a browser test): the way back to the client then starts on the
      // provider's own page, a cross-site navigation as with a real provider
      accountId = accountId.slice(5);
      if (req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(`<!doctype html><html lang="en"><head><title>Test provider</title></head><body><main><h1>Test provider</h1>`
          + `<form method="post" action="/interaction/${details.uid}"><button type="submit">Sign in as ${accountId}</button></form>`
          + '</main></body></html>');
        return;
      }
    }
    const account = ACCOUNTS[accountId];
    if (!account) {
      await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'unknown account' });
      return;
    }
    await provider.interactionFinished(req, res, { login: { accountId, acr: account.acr, amr: account.amr } },
      { mergeWithLastSubmission: false });
    return;
  }
  // consent: a first-party client, so the person is not asked; the grant covers what was requested
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
  if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(prompt.details.missingResourceScopes || {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

const server = http.createServer(async (req, res) => {
  try {
    if (req.url.startsWith('/interaction/')) {
      await interaction(req, res);
    } else if (req.method === 'POST' && req.url === '/test/rotate') {
      keys.unshift(newKey());
      provider = build();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kid: keys[0].kid, kids: keys.map((k) => k.kid) }));
    } else if (req.url === '/test/health') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ issuer, kid: keys[0].kid }));
    } else {
      provider.callback()(req, res);
    }
  } catch (err) {
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end(String(err?.stack || err));
  }
});
server.listen(port, '127.0.0.1', () => { process.stdout.write(`listening ${issuer}\n`); });
