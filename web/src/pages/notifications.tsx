/** Mijn meldingen: the signed-in member's delivery log (GET /me/notifications), newest first. */
import { api, queryOf } from '../api';
import { useUser } from '../auth';
import { Alert, explain } from '../components/forms';
import { Pager } from '../components/fields';
import { formatDateTime } from '../format';
import { useCursor, useLoad } from '../load';
import { usePageTitle } from '../page';
import type { Page } from '../types';

interface Delivery {
  id: string;
  kind?: string;
  subject?: string;
  state?: string;
  created_at?: string;
  sent_at?: string | null;
}

const STATUS: Record<string, string> = { queued: 'Wacht op verzending', sending: 'Wordt verstuurd', sent: 'Verstuurd', failed: 'Niet gelukt' };

export function NotificationsPage() {
  const user = useUser();
  const pages = useCursor();
  const log = useLoad(`${user?.name ?? ''}${pages.cursor ?? ''}`, (signal) =>
    user ? api<Page<Delivery>>('/me/notifications', { query: queryOf({ cursor: pages.cursor }), signal }) : Promise.resolve(null));
  usePageTitle('Mijn meldingen');
  if (!user) {
    return (
      <>
        <h1 class="utrecht-heading-1">Mijn meldingen</h1>
        <p class="utrecht-paragraph">Log in om de e-mails te zien die WijkWijzer u stuurde.</p>
      </>
    );
  }
  return (
    <>
      <h1 class="utrecht-heading-1">Mijn meldingen</h1>
      <p class="utrecht-paragraph">De e-mails die WijkWijzer u stuurde, de nieuwste eerst.</p>
      <p class="utrecht-paragraph">
        Kies <a class="utrecht-link utrecht-link--html-a" href="/mijn/volgen">wat u volgt</a> en{' '}
        <a class="utrecht-link utrecht-link--html-a" href="/mijn/voorkeuren">welke berichten u krijgt</a>.
      </p>
      {log.error != null && <Alert kind="error"><p class="utrecht-paragraph">{explain(log.error)}</p></Alert>}
      {log.data && log.data.items.length === 0 && <p class="utrecht-paragraph">Nog geen meldingen.</p>}
      {log.data && log.data.items.length > 0 && (
        <table class="utrecht-table utrecht-table--html-table">
          <caption class="utrecht-table__caption">Verstuurde meldingen</caption>
          <thead class="utrecht-table__header">
            <tr class="utrecht-table__row">
              <th class="utrecht-table__header-cell" scope="col">Onderwerp</th>
              <th class="utrecht-table__header-cell" scope="col">Status</th>
              <th class="utrecht-table__header-cell" scope="col">Wanneer</th>
            </tr>
          </thead>
          <tbody class="utrecht-table__body">
            {log.data.items.map((d) => (
              <tr class="utrecht-table__row" key={d.id}>
                <td class="utrecht-table__cell">{d.subject ?? d.kind ?? ''}</td>
                <td class="utrecht-table__cell">{(d.state && STATUS[d.state]) ?? d.state ?? ''}</td>
                <td class="utrecht-table__cell">{formatDateTime(d.sent_at ?? d.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager label="Pagina’s van mijn meldingen" next={log.data?.next_cursor} previous={pages.previous}
             onNext={pages.toNext} onPrevious={pages.toPrevious} />
    </>
  );
}
