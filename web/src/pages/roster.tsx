/** Beheer, wijkwijzen: the roster with each one's load (GET /wijkwijzen, paged) and the form that
 * puts someone on it or changes their entry (PUT /wijkwijzen/{sub}). Admins only. */
import { useState } from 'preact/hooks';
import { api, ApiError, queryOf } from '../api';
import { useUser } from '../auth';
import { AdminNav } from '../components/admin-nav';
import { CheckboxGroup, Pager, useAction } from '../components/fields';
import { Alert, Button, ErrorSummary, explain, TextField } from '../components/forms';
import { formatDate } from '../format';
import { useCursor, useLoad } from '../load';
import { usePageTitle } from '../page';
import { focusAreaLabel, topicLabel, useTaxonomy } from '../taxonomy';
import type { Page } from '../types';

interface Entry {
  sub: string; name: string; email: string; topics: string[]; regions: string[];
  capacity: number; away_until: string | null; open_questions: number; last_assigned_at: string | null;
}

const FIELDS = { sub: 'Account (sub)', name: 'Naam', email: 'E-mailadres', topics: 'Thema’s', regions: 'Regio’s: focusgebieden',
                 municipalities: 'Gemeenten', capacity: 'Capaciteit', away_until: 'Afwezig tot' };
const EMPTY = { sub: '', name: '', email: '', topics: [] as string[], areas: [] as string[], municipalities: '', capacity: '5', away_until: '' };

export function RosterPage() {
  const user = useUser();
  const taxonomy = useTaxonomy();
  const pages = useCursor();
  const admin = !!user?.roles.includes('admin');
  const roster = useLoad(`${admin}${pages.cursor ?? ''}`, (signal) =>
    admin ? api<Page<Entry>>('/wijkwijzen', { query: queryOf({ cursor: pages.cursor }), signal }) : Promise.resolve(null));
  const [form, setForm] = useState(EMPTY);
  const [editing, setEditing] = useState(false);
  const [done, setDone] = useState('');
  const save = useAction();
  usePageTitle('Beheer: wijkwijzen');
  if (!admin) return <><h1 class="utrecht-heading-1">Wijkwijzen</h1><p class="utrecht-paragraph">Deze pagina is voor beheerders. Log in als beheerder.</p></>;

  const isArea = (region: string) => !!taxonomy?.focus_areas.some((f) => f.slug === region);
  const edit = (entry: Entry) => {
    setForm({ sub: entry.sub, name: entry.name, email: entry.email, topics: entry.topics, areas: entry.regions.filter(isArea),
              municipalities: entry.regions.filter((r) => !isArea(r)).join(', '), capacity: String(entry.capacity), away_until: entry.away_until ?? '' });
    setEditing(true);
    setDone('');
    save.setError(null);
    document.getElementById('rooster-titel')?.scrollIntoView();
    window.setTimeout(() => document.getElementById('rooster-name')?.focus());
  };
  const field = (name: keyof typeof EMPTY) => (value: string | string[]) => setForm({ ...form, [name]: value });
  const submit = async (event: Event) => {
    event.preventDefault();
    setDone('');
    const sub = form.sub.trim();
    if (!sub) { save.setError(new ApiError({ status: 422, errors: [{ field: 'sub', message: 'Field required' }] })); return; }
    const body = {
      name: form.name, email: form.email, topics: form.topics,
      regions: [...form.areas, ...form.municipalities.split(',').map((m) => m.trim()).filter(Boolean)],
      capacity: /^\d+$/.test(form.capacity.trim()) ? Number(form.capacity.trim()) : form.capacity,
      away_until: form.away_until || null,
    };
    const ok = await save.run(async () => { await api<Entry>(`/wijkwijzen/${encodeURIComponent(sub)}`, { method: 'PUT', body }); });
    if (ok) {
      setDone(`${form.name} staat op het rooster.`);
      setForm(EMPTY);
      setEditing(false);
      roster.reload();
    }
  };
  return (
    <>
      <h1 class="utrecht-heading-1">Wijkwijzen</h1>
      <AdminNav current="wijkwijzen" />
      <p class="utrecht-paragraph">Het rooster: wie vragen krijgt, over welke thema’s en regio’s, en hoeveel vragen ieder nu open heeft.</p>
      <p class="utrecht-paragraph" role="status">{done}</p>
      {roster.error != null && <Alert kind="error"><p class="utrecht-paragraph">{explain(roster.error)}</p></Alert>}
      {roster.loading && !roster.data && <p class="utrecht-paragraph" role="status">Rooster laden…</p>}
      {roster.data && (
        <table class="utrecht-table utrecht-table--html-table">
          <caption class="utrecht-table__caption">Rooster, op naam</caption>
          <thead class="utrecht-table__header">
            <tr class="utrecht-table__row">
              <th class="utrecht-table__header-cell" scope="col">Naam</th>
              <th class="utrecht-table__header-cell" scope="col">Open vragen</th>
              <th class="utrecht-table__header-cell" scope="col">Thema’s</th>
              <th class="utrecht-table__header-cell" scope="col">Regio’s</th>
              <th class="utrecht-table__header-cell" scope="col">Afwezig tot</th>
              <th class="utrecht-table__header-cell" scope="col"><span class="ww-visually-hidden">Wijzigen</span></th>
            </tr>
          </thead>
          <tbody class="utrecht-table__body">
            {roster.data.items.map((w) => (
              <tr class="utrecht-table__row" key={w.sub}>
                <td class="utrecht-table__cell">{w.name}<br /><span class="ww-meta">{w.email} · {w.sub}</span></td>
                <td class="utrecht-table__cell">{w.open_questions} van {w.capacity}</td>
                <td class="utrecht-table__cell">{w.topics.map((t) => topicLabel(taxonomy, t)).join(', ')}</td>
                <td class="utrecht-table__cell">{w.regions.map((r) => (isArea(r) ? focusAreaLabel(taxonomy, r) : r)).join(', ')}</td>
                <td class="utrecht-table__cell">{w.away_until ? formatDate(`${w.away_until}T12:00:00Z`) : ''}</td>
                <td class="utrecht-table__cell">
                  <Button appearance="subtle" onClick={() => edit(w)}>Wijzigen<span class="ww-visually-hidden"> ({w.name})</span></Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager label="Pagina’s van het rooster" next={roster.data?.next_cursor} previous={pages.previous} onNext={pages.toNext} onPrevious={pages.toPrevious} />
      <form class="utrecht-form ww-form ww-form--wide" onSubmit={submit} noValidate aria-labelledby="rooster-titel">
        <h2 id="rooster-titel" class="utrecht-heading-2">{editing ? `${form.name || form.sub} wijzigen` : 'Wijkwijze toevoegen'}</h2>
        <ErrorSummary form="rooster" error={save.error} fields={FIELDS} />
        {!editing && (
          <TextField form="rooster" name="sub" label={FIELDS.sub} value={form.sub} onInput={field('sub')} error={save.error} required
                     description="De account-id van de wijkwijze bij het aanmelden (sub), bijvoorbeeld willem." />
        )}
        <TextField form="rooster" name="name" label={FIELDS.name} value={form.name} onInput={field('name')} error={save.error} required autocomplete="off" />
        <TextField form="rooster" name="email" label={FIELDS.email} type="email" value={form.email} onInput={field('email')} error={save.error} required autocomplete="off" />
        <CheckboxGroup form="rooster" name="topics" legend={FIELDS.topics} error={save.error} selected={form.topics} onChange={field('topics')}
                       options={(taxonomy?.topics ?? []).map((t) => ({ value: t.slug, label: t.label }))} />
        <CheckboxGroup form="rooster" name="regions" legend={FIELDS.regions} error={save.error} selected={form.areas} onChange={field('areas')}
                       options={(taxonomy?.focus_areas ?? []).map((f) => ({ value: f.slug, label: `${f.name} (${f.municipality})` }))} />
        <TextField form="rooster" name="municipalities" label={FIELDS.municipalities} value={form.municipalities} onInput={field('municipalities')}
                   error={save.error} description="Hele gemeenten, gescheiden door komma’s, bijvoorbeeld Gouda, Utrecht." />
        <TextField form="rooster" name="capacity" label={FIELDS.capacity} type="number" value={form.capacity} onInput={field('capacity')}
                   error={save.error} required description="Het grootste aantal open vragen tegelijk, 0 tot 50 (0: krijgt geen vragen)." />
        <TextField form="rooster" name="away_until" label={FIELDS.away_until} type="date" value={form.away_until} onInput={field('away_until')}
                   error={save.error} description="Tot deze dag krijgt de wijkwijze geen vragen; op deze dag weer wel." />
        <div class="ww-actions">
          <button type="submit" class="utrecht-button utrecht-button--html-button utrecht-button--primary-action" disabled={save.busy}>Opslaan</button>
          {editing && <Button appearance="secondary" onClick={() => { setForm(EMPTY); setEditing(false); save.setError(null); }}>Annuleren</Button>}
        </div>
      </form>
    </>
  );
}
