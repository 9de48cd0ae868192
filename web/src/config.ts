/** The runtime configuration the platform serves at /config.json (not part of the build, so one
 * build runs anywhere): where the API is, and the identity provider when there is one. */
export interface OidcConfig {
  authority: string;
  client_id: string;
}

export interface RuntimeConfig {
  api: string;
  oidc: OidcConfig | null;
}

export async function loadConfig(): Promise<RuntimeConfig> {
  const answer = await fetch('/config.json', { cache: 'no-cache', headers: { Accept: 'application/json' } });
  if (!answer.ok) throw new Error(`/config.json: ${answer.status}`);
  const raw = (await answer.json()) as Partial<RuntimeConfig>;
  const oidc = raw.oidc && raw.oidc.authority && raw.oidc.client_id ? raw.oidc : null;
  return { api: (raw.api || '/api/v1').replace(/\/$/, ''), oidc };
}
