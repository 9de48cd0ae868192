/** An activity's registrations for its organisers (and admins): in arrival order, a page at a time,
 * filtered by status; the CSV export (fetched with the token, offered as a download); and marking
 * who came (POST .../attended). */
import { useState } from 'preact/hooks';
import { useRoute } from 'preact-iso';
import { api, queryOf } from '../api';
import { organises, useUser } from '../auth';
import { Alert, explain } from '../components/forms';
import { Pager, useAction } from '../components/fields';
import { formatDateTime } from '../format';
import { useCursor, useLoad } from '../load';
import { usePageTitle } from '../page';
import type { Activity, Page, Registration } from '../types';

const STATUS: Record<Registration['status'], string> = {
  confirmed: 'Bevestigd', waitlisted: 'Op de wachtlijst', cancelled: 'Afgemeld', attended: 'Aanwezig geweest',
};

/** "Buurtavond: wat werkt?" → "aanmeldingen-buurtavond-wat-werkt.csv" */
export function csvName(title: string): string {
  const slug = title.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  return `aanmeldingen-${slug.slice(0, 80) || 'activiteit'}.csv`;
}

function Export({ activity }: { activity: Activity }) {
  const { error, busy, run } = useAction();
  const download = () => run(async () => {
    const csv = await api<Blob>(`/activities/${encodeURIComponent(activity.id)}/registrations`, { accept: 'text/csv' });
    const url = URL.createObjectURL(csv);
    const link = document.createElement('a');
    link.href = url;
    link.download = csvName(activity.title);
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  });
  return (
    <>
      <button type="button" class="utrecht-button utrecht-button--html-button utrecht-button--secondary-action" onClick={download} disabled={busy}>
        Download als spreadsheet (CSV)
      </button>
      {error != null && <Alert kind="error"><p class="utrecht-paragraph">{explain(error)}</p></Alert>}
    </>
  );
}

export function RegistrationsPage() {
  const { params } = useRoute();
  const id = params.id ?? '';
  const user = useUser();
  const [status, setStatus] = useState('');
  const pages = useCursor();
  const [marked, setMarked] = useState<Record<string, Registration>>({});
  const [failure, setFailure] = useState<unknown>(null);
  const activity = useLoad(id, (signal) => api<Activity>(`/activities/${encodeURIComponent(id)}`, { signal }));
  const allowed = !!activity.data && organises(user, activity.data.organisation);
  const list = useLoad(`${id}|${allowed}|${status}|${pages.cursor ?? ''}`, (signal) => allowed
    ? api<Page<Registration>>(`/activities/${encodeURIComponent(id)}/registrations`, { query: queryOf({ status, cursor: pages.cursor, limit: '50' }), signal })
    : Promise.resolve(null));
  usePageTitle(activity.data ? `Aanmeldingen: ${activity.data.title}` : 'Aanmeldingen');
  if (activity.loading && !activity.data) return <p class="utrecht-paragraph" role="status">Laden…</p>;
  if (!activity.data) return <><h1 class="utrecht-heading-1">Aanmeldingen</h1><Alert kind="error"><p class="utrecht-paragraph">{explain(activity.error)}</p></Alert></>;
  const a = activity.data;
  const back = <p class="utrecht-paragraph"><a class="utrecht-link utrecht-link--html-a" href={`/activiteiten/${encodeURIComponent(a.id)}`}>{a.title}</a></p>;
  if (!allowed) {
    return <>{back}<h1 class="utrecht-heading-1">Aanmeldingen</h1><p class="utrecht-paragraph">Alleen organisatoren van de organisatie van deze activiteit zien de aanmeldingen{user ? '' : '; log in'}.</p></>;
  }
  const attend = async (r: Registration) => {
    try {
      const answer = await api<Registration>(`/activities/${encodeURIComponent(a.id)}/registrations/${encodeURIComponent(r.id)}/attended`, { method: 'POST' });
      setMarked((m) => ({ ...m, [r.id]: answer }));
      setFailure(null);
    } catch (error) {
      setFailure(error);
    }
  };
  const items = (list.data?.items ?? []).map((r) => marked[r.id] ?? r);
  return (
    <>
      {back}
      <h1 class="utrecht-heading-1">Aanmeldingen</h1>
      <p class="utrecht-paragraph">
        {a.capacity === null ? 'Onbeperkt plaats' : `${a.places_left ?? 0} van ${a.capacity} plaatsen vrij`}
        {a.waitlisted ? `, ${a.waitlisted} op de wachtlijst` : ''}.{' '}
        <a class="utrecht-link utrecht-link--html-a" href={`/activiteiten/${encodeURIComponent(a.id)}/bewerken`}>Activiteit wijzigen of annuleren</a>
      </p>
      <div class="ww-actions ww-form">
        <div class="utrecht-form-field">
          <div class="utrecht-form-field__label"><label class="utrecht-form-label" for="aanmeldingen-status">Toon</label></div>
          <div class="utrecht-form-field__input">
            <select id="aanmeldingen-status" class="utrecht-select utrecht-select--html-select" value={status}
                    onChange={(e) => { setStatus(e.currentTarget.value); pages.reset(); }}>
              <option value="">Alle aanmeldingen</option>
              {(Object.keys(STATUS) as Registration['status'][]).map((s) => <option key={s} value={s}>{STATUS[s]}</option>)}
            </select>
          </div>
        </div>
      </div>
      <Export activity={a} />
      <div aria-live="polite">{failure != null && <Alert kind="error"><p class="utrecht-paragraph">{explain(failure)}</p></Alert>}</div>
      {list.error != null && <Alert kind="error"><p class="utrecht-paragraph">{explain(list.error)}</p></Alert>}
      {list.loading && <p class="utrecht-paragraph" role="status">Aanmeldingen laden…</p>}
      {list.data && items.length === 0 && <p class="utrecht-paragraph">Geen aanmeldingen{status ? ' met deze status' : ''}.</p>}
      {items.length > 0 && (
        <table class="utrecht-table utrecht-table--html-table">
          <caption class="utrecht-table__caption">Aanmeldingen, in volgorde van binnenkomst</caption>
          <thead class="utrecht-table__header">
            <tr class="utrecht-table__row">
              <th class="utrecht-table__header-cell" scope="col">Naam</th>
              <th class="utrecht-table__header-cell" scope="col">E-mailadres</th>
              <th class="utrecht-table__header-cell" scope="col">Status</th>
              <th class="utrecht-table__header-cell" scope="col">Aangemeld</th>
              <th class="utrecht-table__header-cell" scope="col">Aanwezig</th>
            </tr>
          </thead>
          <tbody class="utrecht-table__body">
            {items.map((r) => (
              <tr class="utrecht-table__row" key={r.id}>
                <td class="utrecht-table__cell">{r.name}{r.member ? ' (lid)' : ''}</td>
                <td class="utrecht-table__cell">{r.email}</td>
                <td class="utrecht-table__cell">{STATUS[r.status] ?? r.status}{r.status === 'waitlisted' && r.position ? ` (nr. ${r.position})` : ''}</td>
                <td class="utrecht-table__cell">{formatDateTime(r.registered_at)}</td>
                <td class="utrecht-table__cell">
                  {r.status === 'confirmed' ? (
                    <button type="button" class="utrecht-button utrecht-button--html-button utrecht-button--subtle-action" onClick={() => attend(r)}>
                      Aanwezig<span class="ww-visually-hidden"> ({r.name})</span>
                    </button>
                  ) : r.status === 'attended' ? `Ja${r.attended_at ? `, ${formatDateTime(r.attended_at)}` : ''}` : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager label="Pagina’s van de aanmeldingen" next={list.data?.next_cursor} previous={pages.previous}
             onNext={pages.toNext} onPrevious={pages.toPrevious} />
    </>
  );
}
