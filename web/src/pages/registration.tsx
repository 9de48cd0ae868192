/** A registration, reached with the link from the confirmation (anonymous: `?token=`): see it, cancel it. */
import { useState } from 'preact/hooks';
import { useLocation, useRoute } from 'preact-iso';
import { api, queryOf } from '../api';
import { Alert, explain } from '../components/forms';
import { formatDateTime, formatPeriod } from '../format';
import { useLoad } from '../load';
import { usePageTitle } from '../page';
import type { Activity, Registration } from '../types';

const STATUS: Record<Registration['status'], string> = {
  confirmed: 'Aangemeld: u hebt een plaats',
  waitlisted: 'Op de wachtlijst',
  cancelled: 'Geannuleerd',
  attended: 'Aanwezig geweest',
};

export function RegistrationPage() {
  const { params } = useRoute();
  const { query } = useLocation();
  const activityId = params.id ?? '', registrationId = params.registration ?? '';
  const token = query.token ?? null;
  const path = `/activities/${encodeURIComponent(activityId)}/registrations/${encodeURIComponent(registrationId)}`;
  const registration = useLoad(`${path}?${token}`, (signal) => api<Registration>(path, { query: queryOf({ token }), signal }));
  const activity = useLoad(activityId, (signal) => api<Activity>(`/activities/${encodeURIComponent(activityId)}`, { signal }));
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  usePageTitle('Uw aanmelding');

  const cancel = async () => {
    setBusy(true);
    try {
      registration.set(await api<Registration>(path, { method: 'DELETE', query: queryOf({ token }) }));
      setFailure(null);
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  };
  const current = registration.data;
  return (
    <>
      <h1 class="utrecht-heading-1">Uw aanmelding</h1>
      {activity.data && (
        <p class="utrecht-paragraph">
          Voor <a class="utrecht-link utrecht-link--html-a" href={`/activiteiten/${encodeURIComponent(activityId)}`}>{activity.data.title}</a>,{' '}
          {formatPeriod(activity.data.starts_at, activity.data.ends_at)}.
        </p>
      )}
      {registration.loading && !current && <p class="utrecht-paragraph" role="status">Aanmelding laden…</p>}
      {registration.error != null && !current && <Alert kind="error"><p class="utrecht-paragraph">{explain(registration.error)}</p></Alert>}
      {current && (
        <>
          <dl class="utrecht-data-list utrecht-data-list--rows ww-facts">
            <div class="utrecht-data-list__item"><dt class="utrecht-data-list__item-key">Naam</dt>
              <dd class="utrecht-data-list__item-value utrecht-data-list__item-value--html-dd">{current.name}</dd></div>
            <div class="utrecht-data-list__item"><dt class="utrecht-data-list__item-key">E-mailadres</dt>
              <dd class="utrecht-data-list__item-value utrecht-data-list__item-value--html-dd">{current.email}</dd></div>
            <div class="utrecht-data-list__item"><dt class="utrecht-data-list__item-key">Status</dt>
              <dd class="utrecht-data-list__item-value utrecht-data-list__item-value--html-dd" aria-live="polite">
                {STATUS[current.status]}{current.status === 'waitlisted' && current.position ? ` (nummer ${current.position})` : ''}
              </dd></div>
            <div class="utrecht-data-list__item"><dt class="utrecht-data-list__item-key">Aangemeld op</dt>
              <dd class="utrecht-data-list__item-value utrecht-data-list__item-value--html-dd">{formatDateTime(current.registered_at)}</dd></div>
          </dl>
          {failure != null && <Alert kind="error"><p class="utrecht-paragraph">{explain(failure)}</p></Alert>}
          {(current.status === 'confirmed' || current.status === 'waitlisted') && (
            <button type="button" class="utrecht-button utrecht-button--html-button utrecht-button--secondary-action" onClick={() => void cancel()} disabled={busy}>
              Aanmelding annuleren
            </button>
          )}
          {current.status === 'cancelled' && <Alert kind="ok"><p class="utrecht-paragraph">Uw aanmelding is geannuleerd.</p></Alert>}
        </>
      )}
    </>
  );
}
