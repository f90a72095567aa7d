// A real OpenID provider for the sign-in tests: the certified npm `oidc-provider` on 127.0.0.1.
//
//   node provider.mjs CONFIG.json
//
// CONFIG.json: {"port": 9614, "clients": [{client_id, client_secret, redirect_uris,
// post_logout_redirect_uris}], "users": {"<login>": {"email": ..., "email_verified": true,
// "groups": [...], "name": ...}}, "id_token_ttl": 3600}
//
// Users sign in on oidc-provider's own login form (devInteractions: any password); the login is
// the account id. E-mail and groups go into the ID token (Streamlit reads only the ID token's
// claims): `conformIdTokenClaims: false` puts the granted scopes' claims there, and a custom
// `groups` scope carries the groups. Consent is granted at once (a first-party app). Prints
// "listening <issuer>" when ready.
import fs from 'node:fs';
import Provider from 'oidc-provider';

const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const issuer = `http://127.0.0.1:${config.port}`;
const users = config.users || {};
const ttl = Number(config.id_token_ttl || 3600);

const provider = new Provider(issuer, {
  clients: config.clients.map((client) => ({
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    ...client,
  })),
  async findAccount(ctx, id) {
    const user = users[id];
    if (!user) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, ...user };
      },
    };
  },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
    groups: ['groups'],
  },
  scopes: ['openid', 'email', 'profile', 'groups'],
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: true } },
  ttl: { IdToken: ttl, AccessToken: ttl },
  cookies: { keys: ['product-health-test-only'] },
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) {
      const found = await ctx.oidc.provider.Grant.find(grantId);
      if (found) return found;
    }
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope([...ctx.oidc.requestParamScopes].join(' '));
    await grant.save();
    return grant;
  },
});

provider.listen(config.port, '127.0.0.1', () => {
  console.log(`listening ${issuer}`);
});
