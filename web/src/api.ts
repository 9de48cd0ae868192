/** The gateway's API, as this client calls it: JSON in and out, the signed-in user's access token
 * as Bearer, and every refusal as an ApiError carrying the problem+json the API sent. */

export interface FieldError {
  field: string;
  message: string;
}

export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
}

export class ApiError extends Error {
  constructor(public readonly problem: Problem) {
    super(problem.detail || problem.title || `HTTP ${problem.status}`);
  }
  get status(): number {
    return this.problem.status;
  }
  get fieldErrors(): FieldError[] {
    return this.problem.errors ?? [];
  }
}

type TokenSource = () => Promise<string | null>;

let base = '/api/v1';
let accessToken: TokenSource = async () => null;
let renewedToken: TokenSource = async () => null;

/** `tokens` gives the signed-in user's access token (null: anonymous); `renew`, called when the API
 * refused a token (401), a fresh one, or null after signing the user out here. */
export function configureApi(apiBase: string, tokens: TokenSource, renew: TokenSource = async () => null): void {
  base = apiBase;
  accessToken = tokens;
  renewedToken = renew;
}

/** The absolute path of an API route (for links: .ics files, the calendar feed). */
export function apiPath(path: string, query?: URLSearchParams): string {
  const q = query && query.toString();
  return `${base}${path}${q ? `?${q}` : ''}`;
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  query?: URLSearchParams;
  signal?: AbortSignal;
  /** another type than JSON (e.g. text/csv): the answer is then a Blob */
  accept?: string;
}

/** Calls the API; resolves to the JSON answer (undefined for an empty one), rejects with ApiError.
 * A token the API refuses (expired, revoked) is renewed once, or the call is made again without it. */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const token = await accessToken();
  try {
    return await call<T>(path, options, token);
  } catch (error) {
    if (!(token && error instanceof ApiError && error.status === 401)) throw error;
    return call<T>(path, options, await renewedToken());
  }
}

async function call<T>(path: string, options: RequestOptions, token: string | null): Promise<T> {
  const headers: Record<string, string> = { Accept: options.accept ?? 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  let answer: Response;
  try {
    answer = await fetch(apiPath(path, options.query), {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError({ status: 0, title: 'Geen verbinding', detail: 'WijkWijzer is niet bereikbaar. Probeer het zo opnieuw.' });
  }
  if (answer.ok && options.accept && !options.accept.includes('json')) return (await answer.blob()) as T;
  const text = await answer.text();
  const type = answer.headers.get('Content-Type') ?? '';
  const json: unknown = text && type.includes('json') ? safeParse(text) : undefined;
  if (!answer.ok) {
    const problem = (json && typeof json === 'object' ? json : {}) as Partial<Problem>;
    throw new ApiError({ ...problem, status: answer.status });
  }
  return json as T;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A query string from a record; arrays repeat their key (the API's OR of a filter's values). */
export function queryOf(values: Record<string, string | string[] | null | undefined>): URLSearchParams {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value === null || value === undefined || value === '') continue;
    for (const one of Array.isArray(value) ? value : [value]) query.append(key, one);
  }
  return query;
}
