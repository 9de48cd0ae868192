/** Sign-in with OpenID Connect: Authorization Code with PKCE (oidc-client-ts), against the provider
 * /config.json names. oidc-client-ts is loaded only when there is one, so anonymous pages do not
 * carry it. The user's name and roles come from the ID token's claims (`roles` is top-level, as the
 * gateway reads it from the access token); the access token goes to the API as Bearer. */
import { useEffect, useState } from 'preact/hooks';
import type { User, UserManager } from 'oidc-client-ts';
import type { OidcConfig } from './config';

export interface SignedIn {
  name: string;
  email: string | null;
  roles: string[];
  organisation: string | null;
}

/** Editors and admins review publications. */
export function isEditor(user: SignedIn | null): boolean {
  return !!user && (user.roles.includes('editor') || user.roles.includes('admin'));
}

/** Organisers of `organisation` (their token names it) and admins manage its activities. */
export function organises(user: SignedIn | null, organisation?: string | null): boolean {
  if (!user) return false;
  if (user.roles.includes('admin')) return true;
  return user.roles.includes('organiser') && (organisation === undefined || (!!organisation && organisation === user.organisation));
}

export const CALLBACK_PATH = '/aanmelden/terug';
export const SILENT_PATH = '/aanmelden/stil';

let manager: UserManager | null = null;
let current: SignedIn | null = null;
const listeners = new Set<(user: SignedIn | null) => void>();

function signedIn(user: User | null): SignedIn | null {
  if (!user || user.expired) return null;
  // the ID token's claims, over the access token's (which the gateway reads, and which always has `roles`)
  const claims = { ...payload(user.access_token), ...(user.profile as Record<string, unknown>) };
  const roles = Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === 'string') : [];
  const name = (claims.name as string) || (claims.preferred_username as string) || (claims.email as string) || 'Aangemeld';
  return {
    name,
    email: typeof claims.email === 'string' ? claims.email : null,
    roles: roles.includes('member') ? roles : ['member', ...roles],
    organisation: typeof claims.organisation === 'string' ? claims.organisation : null,
  };
}

/** The claims of a JWT, unverified: only to show who is signed in (the gateway verifies it). */
function payload(jwt: string): Record<string, unknown> {
  try {
    const part = jwt.split('.')[1] ?? '';
    const binary = atob(part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '='));
    const json = new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
    return JSON.parse(json) as Record<string, unknown>;
  } catch {
    return {};
  }
}

function publish(user: User | null): void {
  current = signedIn(user);
  for (const listener of listeners) listener(current);
}

/** Sets up sign-in when the platform has a provider; true when it has. */
export async function startAuth(oidc: OidcConfig | null): Promise<boolean> {
  if (!oidc) return false;
  const { UserManager, WebStorageStateStore } = await import('oidc-client-ts');
  const origin = window.location.origin;
  manager = new UserManager({
    authority: oidc.authority,
    client_id: oidc.client_id,
    redirect_uri: `${origin}${CALLBACK_PATH}`,
    silent_redirect_uri: `${origin}${SILENT_PATH}`,
    post_logout_redirect_uri: `${origin}/`,
    response_type: 'code',
    scope: 'openid profile email',
    // a refresh token when the provider gives one, else a hidden frame (frame-src allows the provider)
    automaticSilentRenew: true,
    monitorSession: false,
    // the session ends with the tab: nothing stays behind on a shared computer
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
  });
  manager.events.addUserLoaded((user) => publish(user));
  manager.events.addUserUnloaded(() => publish(null));
  manager.events.addSilentRenewError(() => publish(null));
  manager.events.addAccessTokenExpired(() => publish(null));
  publish(await manager.getUser());
  return true;
}

export function currentUser(): SignedIn | null {
  return current;
}

export async function accessToken(): Promise<string | null> {
  if (!manager || !current) return null;
  const user = await manager.getUser();
  return user && !user.expired ? user.access_token : null;
}

/** The API refused the access token: a new one without a page change (refresh token or hidden
 * frame), or, when that fails, the user is signed out here (null). */
let renewing: Promise<string | null> | null = null;

export function renewedAccessToken(): Promise<string | null> {
  // one renewal for every call that was refused at the same time
  renewing ??= renew().finally(() => { renewing = null; });
  return renewing;
}

async function renew(): Promise<string | null> {
  if (!manager) return null;
  try {
    const user = await manager.signinSilent();
    publish(user);
    return user && !user.expired ? user.access_token : null;
  } catch {
    await manager.removeUser();
    publish(null);
    return null;
  }
}

/** To the provider's login page; back on the page where it started. */
export async function signIn(): Promise<void> {
  if (!manager) return;
  const here = window.location.pathname + window.location.search;
  await manager.signinRedirect({ state: { returnTo: here } });
}

export async function signOut(): Promise<void> {
  if (!manager) return;
  const user = await manager.getUser();
  await manager.removeUser();
  publish(null);
  await manager.signoutRedirect({ id_token_hint: user?.id_token });
}

/** The provider sent the browser back with a code: trade it for tokens; where to go next. */
export async function completeSignIn(): Promise<string> {
  if (!manager) return '/';
  const user = await manager.signinRedirectCallback();
  publish(user);
  const returnTo = (user.state as { returnTo?: string } | undefined)?.returnTo;
  // only paths of this site: never an address another page put in the state
  return returnTo && returnTo.startsWith('/') && !returnTo.startsWith('//') ? returnTo : '/';
}

/** In the hidden frame of a silent renewal: hand the answer to the page and stop. */
export async function completeSilentRenew(oidc: OidcConfig): Promise<void> {
  const { UserManager } = await import('oidc-client-ts');
  await new UserManager({ authority: oidc.authority, client_id: oidc.client_id, redirect_uri: '' })
    .signinSilentCallback();
}

/** The signed-in user (null when anonymous), re-rendering when that changes. */
export function useUser(): SignedIn | null {
  const [user, setUser] = useState(current);
  useEffect(() => {
    listeners.add(setUser);
    setUser(current);
    return () => void listeners.delete(setUser);
  }, []);
  return user;
}
