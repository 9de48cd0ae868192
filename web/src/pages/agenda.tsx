/** Agenda: the activity calendar with its filters (in the address bar), and the feed to subscribe to. */
import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { api, apiPath, queryOf } from '../api';
import { filtersSummary, NarrowFold } from '../components/fold';
import { Alert, explain } from '../components/forms';
import { formatPeriod } from '../format';
import { usePageTitle } from '../page';
import { organisationLabel, useTaxonomy, wordLabel } from '../taxonomy';
import type { Activity, Page, Taxonomy } from '../types';

const SELECTS = ['topic', 'focus_area', 'organisation', 'kind'] as const;
type SelectName = (typeof SELECTS)[number];
const TITLES: Record<SelectName, string> = { topic: 'Thema', focus_area: 'Focusgebied', organisation: 'Organisatie', kind: 'Soort activiteit' };

function choices(taxonomy: Taxonomy, name: SelectName): { value: string; label: string }[] {
  switch (name) {
    case 'topic': return taxonomy.topics.map((t) => ({ value: t.slug, label: t.label }));
    case 'focus_area': return taxonomy.focus_areas.map((f) => ({ value: f.slug, label: `${f.name} (${f.municipality})` }));
    case 'organisation': return taxonomy.organisations.map((o) => ({ value: o.slug, label: o.name }));
    case 'kind': return taxonomy.activity_kinds.map((k) => ({ value: k, label: wordLabel(k) }));
  }
}

export function ActivityItem({ activity, taxonomy }: { activity: Activity; taxonomy: Taxonomy | null }) {
  const where = activity.location ? `${activity.location.name}, ${activity.location.municipality}` : activity.online_url ? 'Online' : '';
  return (
    <li class="ww-result">
      <h3 class="utrecht-heading-3">
        <a class="utrecht-link utrecht-link--html-a" href={`/activiteiten/${encodeURIComponent(activity.id)}`}>{activity.title}</a>
      </h3>
      <p class="utrecht-paragraph ww-meta">
        <time dateTime={activity.starts_at}>{formatPeriod(activity.starts_at, activity.ends_at)}</time>
        {where && <> · {where}</>} · {wordLabel(activity.kind)}
        {activity.organisation && <> · {organisationLabel(taxonomy, activity.organisation)}</>}
      </p>
      <p class="utrecht-paragraph">
        {activity.status === 'cancelled' ? <strong>Geannuleerd</strong>
          : activity.places_left === null ? 'Onbeperkt plaats'
          : activity.places_left > 0 ? `${activity.places_left} ${activity.places_left === 1 ? 'plaats' : 'plaatsen'} vrij`
          : 'Vol: aanmelden zet u op de wachtlijst'}
      </p>
    </li>
  );
}

export function AgendaPage() {
  const location = useLocation();
  const search = location.url.includes('?') ? location.url.slice(location.url.indexOf('?')) : '';
  const params = new URLSearchParams(search);
  const taxonomy = useTaxonomy();
  const [items, setItems] = useState<Activity[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(true);
  usePageTitle('Agenda');

  const filters = Object.fromEntries(SELECTS.map((s) => [s, params.get(s) ?? ''])) as Record<SelectName, string>;
  const from = params.get('from') ?? '', to = params.get('to') ?? '';
  // the form's own values until it is applied; the address bar's after every navigation
  const [draft, setDraft] = useState<Record<string, string>>({ ...filters, from, to });
  useEffect(() => setDraft({ ...filters, from, to }), [search]);
  const edit = (name: string) => (event: Event) => {
    const value = (event.currentTarget as HTMLInputElement | HTMLSelectElement).value;
    setDraft((d) => ({ ...d, [name]: value }));
  };

  const fetchPage = (cursor: string | null, signal?: AbortSignal) =>
    api<Page<Activity>>('/activities', { query: queryOf({ ...filters, from, to, cursor, limit: '20' }), signal });

  useEffect(() => {
    const abort = new AbortController();
    setBusy(true);
    fetchPage(null, abort.signal)
      .then((page) => { setItems(page.items); setNext(page.next_cursor); setFailure(null); })
      .catch((error: unknown) => { if (!abort.signal.aborted) setFailure(error); })
      .finally(() => { if (!abort.signal.aborted) setBusy(false); });
    return () => abort.abort();
  }, [search]);

  const more = async () => {
    if (!next) return;
    setBusy(true);
    try {
      const page = await fetchPage(next);
      setItems((earlier) => [...earlier, ...page.items]);
      setNext(page.next_cursor);
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  };

  const apply = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const query = new URLSearchParams();
    for (const [key, value] of form) if (typeof value === 'string' && value) query.append(key, value);
    const text = query.toString();
    location.route(`/agenda${text ? `?${text}` : ''}`);
  };
  // the filters in use: the address bar's, not the form's until it is applied
  const active = [...SELECTS.map((s) => filters[s]), from, to].filter(Boolean).length;
  const feed = new URL(apiPath('/calendar.ics', queryOf({ topic: filters.topic, focus_area: filters.focus_area, organisation: filters.organisation })), window.location.origin).href;

  return (
    <>
      <h1 class="utrecht-heading-1">Agenda</h1>
      <p class="utrecht-paragraph">Webinars, leerbijeenkomsten, werkbezoeken en trainingen over wijkgericht werken.</p>
      <NarrowFold summary={filtersSummary(active)}>
        <form class="ww-form ww-agenda-filters" onSubmit={apply} aria-label="Activiteiten filteren">
          {taxonomy && SELECTS.map((name) => (
            <div class="utrecht-form-field" key={name}>
              <div class="utrecht-form-field__label"><label class="utrecht-form-label" for={`agenda-${name}`}>{TITLES[name]}</label></div>
              <div class="utrecht-form-field__input">
                <select id={`agenda-${name}`} name={name} class="utrecht-select utrecht-select--html-select"
                        value={draft[name] ?? ''} onChange={edit(name)}>
                  <option value="">Alle</option>
                  {choices(taxonomy, name).map((c) => <option key={c.value} value={c.value}>{c.label}</option>)}
                </select>
              </div>
            </div>
          ))}
          <div class="utrecht-form-field">
            <div class="utrecht-form-field__label"><label class="utrecht-form-label" for="agenda-from">Vanaf datum</label></div>
            <div class="utrecht-form-field__input">
              <input id="agenda-from" name="from" type="date" value={draft.from ?? ''} onInput={edit('from')} class="utrecht-textbox utrecht-textbox--html-input" />
            </div>
          </div>
          <div class="utrecht-form-field">
            <div class="utrecht-form-field__label"><label class="utrecht-form-label" for="agenda-to">Tot en met datum</label></div>
            <div class="utrecht-form-field__input">
              <input id="agenda-to" name="to" type="date" value={draft.to ?? ''} onInput={edit('to')} class="utrecht-textbox utrecht-textbox--html-input" />
            </div>
          </div>
          <button type="submit" class="utrecht-button utrecht-button--html-button utrecht-button--primary-action">Filteren</button>
        </form>
      </NarrowFold>
      <section aria-labelledby="activiteiten-titel">
        <h2 id="activiteiten-titel" class="utrecht-heading-2">Activiteiten</h2>
        <p class="utrecht-paragraph" role="status" aria-live="polite">
          {busy ? 'Activiteiten laden…' : items.length === 0 ? 'Geen activiteiten gevonden.' : ''}
        </p>
        {failure != null && <Alert kind="error"><p class="utrecht-paragraph">{explain(failure)}</p></Alert>}
        <ol class="ww-result-list">
          {items.map((a) => <ActivityItem key={a.id} activity={a} taxonomy={taxonomy} />)}
        </ol>
        {next && (
          <button type="button" class="utrecht-button utrecht-button--html-button utrecht-button--secondary-action" onClick={() => void more()} disabled={busy}>
            Meer activiteiten
          </button>
        )}
      </section>
      <section aria-labelledby="abonneren-titel" class="ww-subscribe">
        <h2 id="abonneren-titel" class="utrecht-heading-2">Abonneren op de agenda</h2>
        <p class="utrecht-paragraph">
          Zet deze agenda{filters.topic || filters.focus_area || filters.organisation ? ' (met uw filters op thema, focusgebied en organisatie)' : ''} in
          uw eigen agendaprogramma. Het programma haalt wijzigingen vanzelf op.
        </p>
        <div class="utrecht-form-field">
          <div class="utrecht-form-field__label"><label class="utrecht-form-label" for="agenda-feed">Adres van de agenda-feed</label></div>
          <div class="utrecht-form-field__input">
            <input id="agenda-feed" type="text" readOnly value={feed} class="utrecht-textbox utrecht-textbox--html-input utrecht-textbox--read-only"
                   onFocus={(e) => e.currentTarget.select()} />
          </div>
        </div>
      </section>
    </>
  );
}
