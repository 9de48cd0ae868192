/** Mijn activiteiten: the activities of the organiser's organisation in every state (GET
 * /me/activities), the latest start first, each with its places and the way to its registrations
 * and its edit page. */
import { api, queryOf } from '../api';
import { organises, useUser } from '../auth';
import { Alert, explain } from '../components/forms';
import { Pager } from '../components/fields';
import { formatPeriod } from '../format';
import { useCursor, useLoad } from '../load';
import { countLine, placesText } from '../mine';
import { usePageTitle } from '../page';
import { organisationLabel, useTaxonomy } from '../taxonomy';
import type { OrganisedActivity, OrganisedPage } from '../types';

const STATE: Record<OrganisedActivity['status'], string> = {
  scheduled: 'Gepland', cancelled: 'Geannuleerd', completed: 'Afgelopen',
};

function Links({ activity }: { activity: OrganisedActivity }) {
  const id = encodeURIComponent(activity.id);
  const hidden = <span class="ww-visually-hidden"> van {activity.title}</span>;
  return (
    <>
      <a class="utrecht-link utrecht-link--html-a" href={`/activiteiten/${id}/aanmeldingen`}>Aanmeldingen{hidden}</a>
      {activity.status === 'scheduled' && (
        <> · <a class="utrecht-link utrecht-link--html-a" href={`/activiteiten/${id}/bewerken`}>Bewerken{hidden}</a></>
      )}
    </>
  );
}

export function MyActivitiesPage() {
  const user = useUser();
  const taxonomy = useTaxonomy();
  const pages = useCursor();
  const allowed = organises(user);
  const list = useLoad(`${user?.name ?? ''}|${allowed}|${pages.cursor ?? ''}`, (signal) => allowed
    ? api<OrganisedPage>('/me/activities', { query: queryOf({ cursor: pages.cursor }), signal })
    : Promise.resolve(null));
  usePageTitle('Mijn activiteiten');
  if (!allowed) {
    return (
      <>
        <h1 class="utrecht-heading-1">Mijn activiteiten</h1>
        <p class="utrecht-paragraph">
          {user ? 'Deze pagina is voor organisatoren van activiteiten.' : 'Log in als organisator om de activiteiten van uw organisatie te zien.'}{' '}
          <a class="utrecht-link utrecht-link--html-a" href="/agenda">Naar de agenda</a>
        </p>
      </>
    );
  }
  const items = list.data?.items ?? [];
  return (
    <>
      <h1 class="utrecht-heading-1">Mijn activiteiten</h1>
      <p class="utrecht-paragraph">
        {list.data?.organisation
          ? <>De activiteiten van {organisationLabel(taxonomy, list.data.organisation)}, ook geannuleerde en afgelopen, de laatste eerst.</>
          : 'De activiteiten van uw organisatie, ook geannuleerde en afgelopen, de laatste eerst.'}
      </p>
      <p class="utrecht-paragraph">
        <a class="utrecht-link utrecht-link--html-a" href="/activiteiten/nieuw">Nieuwe activiteit</a>
      </p>
      {list.error != null && <Alert kind="error"><p class="utrecht-paragraph">{explain(list.error)}</p></Alert>}
      {list.loading && !list.data && <p class="utrecht-paragraph" role="status">Activiteiten laden…</p>}
      {list.data && list.data.organisation === null && (
        <Alert kind="warning">
          <p class="utrecht-paragraph">Uw account is niet aan een organisatie gekoppeld, dus er zijn geen activiteiten van u. Vraag de beheerder dat te regelen.</p>
        </Alert>
      )}
      {list.data && (
        <p class="utrecht-paragraph" role="status" aria-live="polite">
          {countLine(items.length, !!list.data.next_cursor, 'activiteit', 'activiteiten')}
        </p>
      )}
      {items.length > 0 && (
        <table class="utrecht-table utrecht-table--html-table">
          <caption class="utrecht-table__caption ww-visually-hidden">Activiteiten van uw organisatie, de laatste eerst</caption>
          <thead class="utrecht-table__header">
            <tr class="utrecht-table__row">
              <th class="utrecht-table__header-cell" scope="col">Activiteit</th>
              <th class="utrecht-table__header-cell" scope="col">Wanneer</th>
              <th class="utrecht-table__header-cell" scope="col">Status</th>
              <th class="utrecht-table__header-cell" scope="col">Plaatsen</th>
              <th class="utrecht-table__header-cell" scope="col">Beheren</th>
            </tr>
          </thead>
          <tbody class="utrecht-table__body">
            {items.map((a) => (
              <tr class="utrecht-table__row" key={a.id}>
                <td class="utrecht-table__cell">
                  <a class="utrecht-link utrecht-link--html-a" href={`/activiteiten/${encodeURIComponent(a.id)}`}>{a.title}</a>
                </td>
                <td class="utrecht-table__cell">{formatPeriod(a.starts_at, a.ends_at)}</td>
                <td class="utrecht-table__cell">{a.status === 'cancelled' ? <strong>{STATE[a.status]}</strong> : STATE[a.status] ?? a.status}</td>
                <td class="utrecht-table__cell">{placesText(a)}</td>
                <td class="utrecht-table__cell"><Links activity={a} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager label="Pagina’s van mijn activiteiten" next={list.data?.next_cursor} previous={pages.previous}
             onNext={pages.toNext} onPrevious={pages.toPrevious} />
    </>
  );
}
