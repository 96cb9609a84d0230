import { UserManager, WebStorageStateStore } from 'oidc-client-ts';
import { sessionOf, setSession, type Session } from './session.js';

/**
 * Sign-in with the identity provider (OpenID Connect, authorization code with PKCE; a public client,
 * no secret in the browser). Loaded only when someone signs in that way, so the first page stays small.
 */
export interface OpenIdConnectOptions {
  readonly issuer: string;
  readonly clientId: string;
  readonly scope: string;
}

export const CALLBACK_PATH = '/inloggad';

const managerFor = (options: OpenIdConnectOptions): UserManager =>
  new UserManager({
    authority: options.issuer,
    client_id: options.clientId,
    scope: options.scope,
    redirect_uri: `${location.origin}${CALLBACK_PATH}`,
    post_logout_redirect_uri: `${location.origin}/logga-in`,
    response_type: 'code',
    // The state and verifier live in this tab only, like the session.
    stateStore: new WebStorageStateStore({ store: sessionStorage }),
    userStore: new WebStorageStateStore({ store: sessionStorage }),
    automaticSilentRenew: false,
    loadUserInfo: false,
  });

/** Off to the identity provider; it sends the browser back to CALLBACK_PATH with a code. `returnTo` is where to go after. */
export const signInWithProvider = async (options: OpenIdConnectOptions, returnTo: string): Promise<void> => {
  sessionStorage.setItem('ppe-ledger.oidc', JSON.stringify(options));
  await managerFor(options).signinRedirect({ state: returnTo });
};

/** Back from the identity provider: the code is exchanged (with the PKCE verifier) for tokens; the access token is the API's. */
export const completeProviderSignIn = async (): Promise<{ session: Session; returnTo: string }> => {
  const options = JSON.parse(sessionStorage.getItem('ppe-ledger.oidc') ?? 'null') as OpenIdConnectOptions | null;
  if (!options) throw new Error('no sign-in in progress');
  const user = await managerFor(options).signinRedirectCallback();
  const session = sessionOf(user.access_token, 'oidc');
  setSession(session);
  return { session, returnTo: typeof user.state === 'string' && user.state.startsWith('/') ? user.state : '/' };
};
