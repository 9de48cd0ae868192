/** The kennisbank search as a URL query string, so a search can be shared and reloaded, and its
 * pages: `cursor` is the API's cursor of this page, `vorige` the cursors of the pages before it
 * (joined with "."; the first page's is empty), which makes "Vorige" a plain link too. */

export const FILTERS = ['topic', 'kind', 'audience', 'focus_area', 'organisation'] as const;
export type FilterName = (typeof FILTERS)[number];

export interface SearchState {
  q: string;
  filters: Record<FilterName, string[]>;
  sort: '' | 'relevance' | 'date';
  cursor: string | null;
  previous: string[];
}

export function parseSearch(search: string): SearchState {
  const params = new URLSearchParams(search);
  const filters = Object.fromEntries(FILTERS.map((f) => [f, params.getAll(f).filter(Boolean)])) as Record<FilterName, string[]>;
  const sort = params.get('sort');
  return {
    q: params.get('q') ?? '',
    filters,
    sort: sort === 'relevance' || sort === 'date' ? sort : '',
    cursor: params.get('cursor') || null,
    previous: params.has('vorige') ? (params.get('vorige') ?? '').split('.') : [],
  };
}

/** How many filter values are chosen, over all groups (the words and the order are no filters). */
export function activeFilters(state: SearchState): number {
  return FILTERS.reduce((n, f) => n + state.filters[f].length, 0);
}

/** The page's own query string (for the address bar and links). */
export function searchQuery(state: SearchState): string {
  const params = new URLSearchParams();
  if (state.q) params.set('q', state.q);
  for (const f of FILTERS) for (const value of state.filters[f]) params.append(f, value);
  if (state.sort) params.set('sort', state.sort);
  if (state.cursor) {
    params.set('cursor', state.cursor);
    params.set('vorige', state.previous.join('.'));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The API's query string for this page of the search. */
export function apiQuery(state: SearchState, limit = 10): URLSearchParams {
  const params = new URLSearchParams();
  if (state.q.trim()) params.set('q', state.q.trim());
  for (const f of FILTERS) for (const value of state.filters[f]) params.append(f, value);
  if (state.sort) params.set('sort', state.sort);
  if (state.cursor) params.set('cursor', state.cursor);
  params.set('limit', String(limit));
  return params;
}

/** A new search (other words, filters or order) starts at its first page. */
export function firstPage(state: SearchState, change: Partial<Pick<SearchState, 'q' | 'filters' | 'sort'>>): SearchState {
  return { ...state, ...change, cursor: null, previous: [] };
}

export function nextPage(state: SearchState, nextCursor: string): SearchState {
  return { ...state, cursor: nextCursor, previous: [...state.previous, state.cursor ?? ''] };
}

export function previousPage(state: SearchState): SearchState | null {
  if (!state.cursor) return null;
  const previous = state.previous.slice(0, -1);
  const cursor = state.previous[state.previous.length - 1] || null;
  return { ...state, cursor, previous: cursor ? previous : [] };
}
