/** Kennisbank: search publications (Dutch stemming in the API), filter, see facet counts, page
 * through with the API's cursors. The whole search lives in the address bar. */
import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { api } from '../api';
import { filtersSummary, NarrowFold } from '../components/fold';
import { Alert, Checkbox, explain } from '../components/forms';
import { formatDate } from '../format';
import { usePageTitle } from '../page';
import { activeFilters, apiQuery, FILTERS, firstPage, nextPage, parseSearch, previousPage, searchQuery, type FilterName, type SearchState } from '../search-state';
import { topicLabel, useTaxonomy, wordLabel } from '../taxonomy';
import type { SearchPage as Answer, Taxonomy } from '../types';

const FILTER_TITLES: Record<FilterName, string> = {
  topic: 'Thema',
  kind: 'Soort',
  audience: 'Doelgroep',
  focus_area: 'Focusgebied',
  organisation: 'Organisatie',
};

function options(taxonomy: Taxonomy, filter: FilterName): { value: string; label: string }[] {
  switch (filter) {
    case 'topic': return taxonomy.topics.map((t) => ({ value: t.slug, label: t.label }));
    case 'kind': return taxonomy.publication_kinds.map((k) => ({ value: k, label: wordLabel(k) }));
    case 'audience': return taxonomy.audiences.map((a) => ({ value: a, label: wordLabel(a) }));
    case 'focus_area': return taxonomy.focus_areas.map((f) => ({ value: f.slug, label: f.name }));
    case 'organisation': return taxonomy.organisations.map((o) => ({ value: o.slug, label: o.name }));
  }
}

export function SearchPage() {
  const location = useLocation();
  const search = location.url.includes('?') ? location.url.slice(location.url.indexOf('?')) : '';
  const state = parseSearch(search);
  const taxonomy = useTaxonomy();
  const [words, setWords] = useState(state.q);
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(true);
  usePageTitle(state.q ? `Zoeken naar “${state.q}” in de kennisbank` : 'Kennisbank');

  useEffect(() => setWords(state.q), [state.q]);
  useEffect(() => {
    const abort = new AbortController();
    setBusy(true);
    api<Answer>('/publications', { query: apiQuery(state), signal: abort.signal })
      .then((page) => { setAnswer(page); setFailure(null); })
      .catch((error: unknown) => { if (!abort.signal.aborted) setFailure(error); })
      .finally(() => { if (!abort.signal.aborted) setBusy(false); });
    return () => abort.abort();
  }, [search]);

  const go = (next: SearchState) => location.route(`${location.path}${searchQuery(next)}`);
  const toggle = (filter: FilterName, value: string, on: boolean) => {
    const values = state.filters[filter].filter((v) => v !== value);
    go(firstPage(state, { filters: { ...state.filters, [filter]: on ? [...values, value] : values } }));
  };
  const previous = previousPage(state);
  const pageNumber = state.previous.length + 1;   // the first page's cursor is in `previous` too

  return (
    <>
      <h1 class="utrecht-heading-1">Kennisbank</h1>
      <p class="utrecht-paragraph">
        Publicaties, praktijkvoorbeelden en handreikingen over leefbare en veilige wijken, van kennisorganisaties en
        uit de praktijk.
      </p>
      <form role="search" class="ww-search" onSubmit={(event) => { event.preventDefault(); go(firstPage(state, { q: words.trim() })); }}>
        <div class="utrecht-form-field utrecht-form-field--text">
          <div class="utrecht-form-field__label">
            <label class="utrecht-form-label" for="zoek-q">Zoeken in de kennisbank</label>
          </div>
          <div class="utrecht-form-field__input ww-search__row">
            <input id="zoek-q" name="q" type="search" value={words} onInput={(e) => setWords(e.currentTarget.value)}
                   class="utrecht-textbox utrecht-textbox--html-input" autocomplete="off" />
            <button type="submit" class="utrecht-button utrecht-button--html-button utrecht-button--primary-action">Zoeken</button>
          </div>
        </div>
      </form>
      <div class="ww-columns">
        <section class="ww-filters" aria-labelledby="filters-titel">
          <h2 id="filters-titel" class="utrecht-heading-2 ww-fold-title">Filteren</h2>
          <NarrowFold summary={filtersSummary(activeFilters(state))}>
            <div class="utrecht-form-field">
              <div class="utrecht-form-field__label"><label class="utrecht-form-label" for="zoek-sort">Sorteren op</label></div>
              <div class="utrecht-form-field__input">
                <select id="zoek-sort" class="utrecht-select utrecht-select--html-select" value={state.sort || (state.q ? 'relevance' : 'date')}
                        onChange={(e) => go(firstPage(state, { sort: e.currentTarget.value as SearchState['sort'] }))}>
                  <option value="relevance">Relevantie</option>
                  <option value="date">Datum (nieuwste eerst)</option>
                </select>
              </div>
            </div>
            {taxonomy && FILTERS.map((filter) => {
              const counts = filter === 'topic' ? answer?.facets.topic : filter === 'kind' ? answer?.facets.kind : undefined;
              const chosen = state.filters[filter];
              return (
                <details class="ww-filter" key={filter} open={filter === 'topic' || filter === 'kind' || chosen.length > 0}>
                  <summary>{FILTER_TITLES[filter]}{chosen.length > 0 ? ` (${chosen.length} gekozen)` : ''}</summary>
                  <fieldset class="utrecht-form-fieldset utrecht-form-fieldset--html-fieldset">
                    <legend class="utrecht-form-fieldset__legend utrecht-form-fieldset__legend--html-legend ww-visually-hidden">
                      {FILTER_TITLES[filter]}
                    </legend>
                    {options(taxonomy, filter).map(({ value, label }) => (
                      <Checkbox key={value} id={`filter-${filter}-${value}`} name={filter} value={value}
                                checked={chosen.includes(value)} onChange={(on) => toggle(filter, value, on)}>
                        {label}{counts ? <span class="ww-count"> ({counts[value] ?? 0})</span> : null}
                      </Checkbox>
                    ))}
                  </fieldset>
                </details>
              );
            })}
          </NarrowFold>
        </section>
        <section class="ww-results" aria-labelledby="resultaten-titel">
          <h2 id="resultaten-titel" class="utrecht-heading-2">Resultaten</h2>
          <p class="utrecht-paragraph" role="status" aria-live="polite">
            {busy ? 'Bezig met zoeken…' : answer ? `${answer.total} ${answer.total === 1 ? 'publicatie' : 'publicaties'} gevonden${pageNumber > 1 ? `, pagina ${pageNumber}` : ''}` : ''}
          </p>
          {failure != null && <Alert kind="error"><p class="utrecht-paragraph">{explain(failure)}</p></Alert>}
          {answer && (
            <ol class="ww-result-list">
              {answer.items.map((item) => (
                <li key={item.id} class="ww-result">
                  <h3 class="utrecht-heading-3">
                    <a class="utrecht-link utrecht-link--html-a" href={`/publicaties/${encodeURIComponent(item.slug)}`}>{item.title}</a>
                  </h3>
                  {item.summary && <p class="utrecht-paragraph">{item.summary}</p>}
                  <p class="utrecht-paragraph ww-meta">
                    {wordLabel(item.kind)}
                    {item.published_at && <> · <time dateTime={item.published_at}>{formatDate(item.published_at)}</time></>}
                    {item.topics.length > 0 && <> · {item.topics.map((t) => topicLabel(taxonomy, t)).join(', ')}</>}
                  </p>
                </li>
              ))}
            </ol>
          )}
          {answer && answer.items.length === 0 && !busy && (
            <p class="utrecht-paragraph">Niets gevonden. Probeer andere woorden of minder filters.</p>
          )}
          {answer && (previous || answer.next_cursor) && (
            <nav class="utrecht-pagination ww-pagination" aria-label="Paginering">
              {previous && (
                <a class="utrecht-pagination__relative-link utrecht-pagination__relative-link--prev utrecht-link utrecht-link--html-a"
                   rel="prev" href={`${location.path}${searchQuery(previous)}`}>Vorige</a>
              )}
              {answer.next_cursor && (
                <a class="utrecht-pagination__relative-link utrecht-pagination__relative-link--next utrecht-link utrecht-link--html-a"
                   rel="next" href={`${location.path}${searchQuery(nextPage(state, answer.next_cursor))}`}>Volgende</a>
              )}
            </nav>
          )}
        </section>
      </div>
    </>
  );
}
