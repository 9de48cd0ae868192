/** Beheer, one partner: its delivery log (GET /partners/{id}/deliveries, newest first, paged: each
 * event's state and every attempt with status code and latency), and sending again (POST
 * /partners/{id}/replay): one event, or every kept event of a time range. Admins only. */
import { useState } from 'preact/hooks';
import { useRoute } from 'preact-iso';
import { api, queryOf } from '../api';
import { useUser } from '../auth';
import { AdminNav } from '../components/admin-nav';
import { Pager, useAction } from '../components/fields';
import { Alert, Button, ErrorSummary, explain, TextField } from '../components/forms';
import { formatDateTime } from '../format';
import { useCursor, useLoad } from '../load';
import { usePageTitle } from '../page';
import type { Page } from '../types';
import { type Partner, partnerState } from './partners';

interface Attempt { at: string; status_code: number | null; latency_ms: number; error: string | null }
interface Delivery {
  id: string; event_id: string; event_type: string; event_time: string; state: 'pending' | 'delivered' | 'failed';
  tries: number; next_attempt_at: string | null; attempts: Attempt[]; created_at: string;
}

const STATE: Record<Delivery['state'], string> = { pending: 'Wordt (opnieuw) geprobeerd', delivered: 'Afgeleverd', failed: 'Opgegeven' };
const FIELDS = { from: 'Van', to: 'Tot en met' };

/** A datetime-local value (the browser's clock) as RFC 3339; what is not a time goes as typed, for the API to refuse. */
const moment = (local: string) => (Number.isNaN(Date.parse(local)) ? local : new Date(local).toISOString());

export function PartnerPage() {
  const { params } = useRoute();
  const id = params.id ?? '';
  const user = useUser();
  const admin = !!user?.roles.includes('admin');
  const path = `/partners/${encodeURIComponent(id)}`;
  const pages = useCursor();
  const partner = useLoad(`${admin}${id}`, (signal) => (admin ? api<Partner>(path, { signal }) : Promise.resolve(null)));
  const log = useLoad(`${admin}${id}${pages.cursor ?? ''}`, (signal) =>
    admin ? api<Page<Delivery>>(`${path}/deliveries`, { query: queryOf({ cursor: pages.cursor }), signal }) : Promise.resolve(null));
  const [range, setRange] = useState({ from: '', to: '' });
  const [done, setDone] = useState('');
  const replay = useAction();
  const one = useAction();
  usePageTitle(partner.data ? `Beheer: ${partner.data.name}` : 'Beheer: partner');
  if (!admin) return <><h1 class="utrecht-heading-1">Partner</h1><p class="utrecht-paragraph">Deze pagina is voor beheerders. Log in als beheerder.</p></>;

  const send = async (body: Record<string, string>, action: typeof replay) => {
    setDone('');
    await action.run(async () => {
      const { events } = await api<{ events: number }>(`${path}/replay`, { method: 'POST', body });
      setDone(events === 1 ? 'Eén gebeurtenis wordt opnieuw verstuurd.' : `${events} gebeurtenissen worden opnieuw verstuurd.`);
      log.reload();
    });
  };
  const submitRange = (event: Event) => {
    event.preventDefault();
    void send({ from: moment(range.from), to: moment(range.to) }, replay);
  };
  const p = partner.data;
  return (
    <>
      <h1 class="utrecht-heading-1">{p ? p.name : 'Partner'}</h1>
      <AdminNav current="partners" />
      <p class="utrecht-paragraph"><a class="utrecht-link utrecht-link--html-a" href="/beheer/partners">Alle partners</a></p>
      {partner.error != null && <Alert kind="error"><p class="utrecht-paragraph">{explain(partner.error)}</p></Alert>}
      {p && (
        <dl class="utrecht-data-list utrecht-data-list--rows ww-facts">
          <div class="utrecht-data-list__item"><dt class="utrecht-data-list__item-key">Endpoint</dt>
            <dd class="utrecht-data-list__item-value utrecht-data-list__item-value--html-dd ww-secret">{p.url}</dd></div>
          <div class="utrecht-data-list__item"><dt class="utrecht-data-list__item-key">Status</dt>
            <dd class="utrecht-data-list__item-value utrecht-data-list__item-value--html-dd">{partnerState(p)}</dd></div>
          <div class="utrecht-data-list__item"><dt class="utrecht-data-list__item-key">Geheim vernieuwd</dt>
            <dd class="utrecht-data-list__item-value utrecht-data-list__item-value--html-dd">{formatDateTime(p.secret_rotated_at)}</dd></div>
        </dl>
      )}
      <p class="utrecht-paragraph" role="status">{done}</p>
      <h2 class="utrecht-heading-2">Afleveringen</h2>
      {one.error && <Alert kind="error"><p class="utrecht-paragraph">{explain(one.error)}</p></Alert>}
      {log.error != null && <Alert kind="error"><p class="utrecht-paragraph">{explain(log.error)}</p></Alert>}
      {log.loading && !log.data && <p class="utrecht-paragraph" role="status">Afleveringen laden…</p>}
      {log.data && log.data.items.length === 0 && <p class="utrecht-paragraph">Nog niets verstuurd.</p>}
      {log.data && log.data.items.length > 0 && (
        <table class="utrecht-table utrecht-table--html-table">
          <caption class="utrecht-table__caption ww-visually-hidden">Afleveringen, de nieuwste eerst</caption>
          <thead class="utrecht-table__header">
            <tr class="utrecht-table__row">
              <th class="utrecht-table__header-cell" scope="col">Gebeurtenis</th>
              <th class="utrecht-table__header-cell" scope="col">Status</th>
              <th class="utrecht-table__header-cell" scope="col">Pogingen</th>
              <th class="utrecht-table__header-cell" scope="col"><span class="ww-visually-hidden">Opnieuw versturen</span></th>
            </tr>
          </thead>
          <tbody class="utrecht-table__body">
            {log.data.items.map((d) => (
              <tr class="utrecht-table__row" key={d.id}>
                <td class="utrecht-table__cell">
                  {d.event_type.replace(/^nl\.wijkwijzer\./, '')}<br />
                  <span class="ww-meta">{formatDateTime(d.event_time)}<br /><span class="ww-secret">{d.event_id}</span></span>
                </td>
                <td class="utrecht-table__cell">
                  {STATE[d.state] ?? d.state}
                  {d.next_attempt_at && <><br /><span class="ww-meta">Volgende poging {formatDateTime(d.next_attempt_at)}</span></>}
                </td>
                <td class="utrecht-table__cell">
                  <ol class="utrecht-ordered-list ww-attempts">
                    {d.attempts.map((a) => (
                      <li class="utrecht-ordered-list__item" key={a.at}>
                        {formatDateTime(a.at)}: {a.status_code !== null ? `HTTP ${a.status_code}` : a.error ?? 'geen antwoord'}, {a.latency_ms} ms
                      </li>
                    ))}
                  </ol>
                </td>
                <td class="utrecht-table__cell">
                  <Button appearance="subtle" disabled={one.busy} onClick={() => send({ event_id: d.event_id }, one)}>
                    Opnieuw versturen<span class="ww-visually-hidden"> ({d.event_type}, {formatDateTime(d.event_time)})</span>
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager label="Pagina’s van de afleveringen" next={log.data?.next_cursor} previous={pages.previous} onNext={pages.toNext} onPrevious={pages.toPrevious} />
      <form class="utrecht-form ww-form" onSubmit={submitRange} noValidate aria-labelledby="opnieuw-titel">
        <h2 id="opnieuw-titel" class="utrecht-heading-2">Een periode opnieuw versturen</h2>
        <p class="utrecht-paragraph">Alle bewaarde gebeurtenissen uit deze periode die door de filters van de partner gaan, met hun eigen webhook-id.</p>
        <ErrorSummary form="opnieuw" error={replay.error} fields={FIELDS} />
        <TextField form="opnieuw" name="from" label={FIELDS.from} type="datetime-local" value={range.from} error={replay.error} required
                   onInput={(from) => setRange({ ...range, from })} />
        <TextField form="opnieuw" name="to" label={FIELDS.to} type="datetime-local" value={range.to} error={replay.error} required
                   onInput={(to) => setRange({ ...range, to })} />
        <button type="submit" class="utrecht-button utrecht-button--html-button utrecht-button--primary-action" disabled={replay.busy}>Opnieuw versturen</button>
      </form>
    </>
  );
}
