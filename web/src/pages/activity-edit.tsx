/** An organiser of the activity's organisation (or an admin) changes it (PATCH: only what changed,
 * from the version shown) or cancels it with a reason every registrant is told. */
import { useEffect, useState } from 'preact/hooks';
import { useRoute } from 'preact-iso';
import { api, ApiError } from '../api';
import { organises, useUser } from '../auth';
import { Alert, ErrorSummary, explain, TextField } from '../components/forms';
import { asApiError } from '../components/fields';
import { useLoad } from '../load';
import { usePageTitle } from '../page';
import type { Activity } from '../types';
import { ACTIVITY_FIELDS, ActivityFields, type ActivityForm, bodyOf, formOf } from './activity-new';

function CancelForm({ activity, onDone }: { activity: Activity; onDone: (a: Activity) => void }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  if (!open) {
    return (
      <button type="button" class="utrecht-button utrecht-button--html-button utrecht-button--secondary-action"
              aria-expanded="false" aria-controls="annuleren" onClick={() => setOpen(true)}>Activiteit annuleren…</button>
    );
  }
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    try {
      onDone(await api<Activity>(`/activities/${encodeURIComponent(activity.id)}/cancel`, { method: 'POST', body: { reason } }));
    } catch (failure) {
      setError(asApiError(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form id="annuleren" class="utrecht-form ww-form" onSubmit={submit} noValidate aria-labelledby="annuleren-titel">
      <h2 id="annuleren-titel" class="utrecht-heading-2">Activiteit annuleren</h2>
      <p class="utrecht-paragraph">Iedereen die zich heeft aangemeld, krijgt bericht met uw reden. Dat kunt u niet ongedaan maken.</p>
      <ErrorSummary form="annuleren" error={error} fields={{ reason: 'Reden' }} />
      <TextField form="annuleren" name="reason" label="Reden" value={reason} onInput={setReason} error={error} multiline rows={3} required
                 description="Minstens 3 tekens." />
      <button type="submit" class="utrecht-button utrecht-button--html-button utrecht-button--primary-action" disabled={busy}>Annuleren en iedereen berichten</button>
    </form>
  );
}

export function EditActivityPage() {
  const { params } = useRoute();
  const id = params.id ?? '';
  const user = useUser();
  const loaded = useLoad(id, (signal) => api<Activity>(`/activities/${encodeURIComponent(id)}`, { signal }));
  const activity = loaded.data;
  const [form, setForm] = useState<ActivityForm>(formOf(null));
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => { if (activity) setForm(formOf(activity)); }, [activity?.version, activity?.updated_at]);
  usePageTitle(activity ? `Wijzigen: ${activity.title}` : 'Activiteit wijzigen');
  if (loaded.loading && !activity) return <p class="utrecht-paragraph" role="status">Activiteit laden…</p>;
  if (!activity) return <><h1 class="utrecht-heading-1">Activiteit wijzigen</h1><Alert kind="error"><p class="utrecht-paragraph">{explain(loaded.error)}</p></Alert></>;
  const back = <p class="utrecht-paragraph"><a class="utrecht-link utrecht-link--html-a" href={`/activiteiten/${encodeURIComponent(activity.id)}`}>{activity.title}</a></p>;
  if (!organises(user, activity.organisation)) {
    return <>{back}<h1 class="utrecht-heading-1">Activiteit wijzigen</h1><p class="utrecht-paragraph">Alleen organisatoren van de organisatie van deze activiteit kunnen haar wijzigen{user ? '' : '; log in'}.</p></>;
  }
  const before = bodyOf(formOf(activity)), after = bodyOf(form);
  const changes = Object.fromEntries(Object.entries(after).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(before[k])));
  const save = async (event: Event) => {
    event.preventDefault();
    if (!Object.keys(changes).length) { setSaved('Er is niets gewijzigd.'); return; }
    setBusy(true);
    try {
      loaded.set(await api<Activity>(`/activities/${encodeURIComponent(activity.id)}`, { method: 'PATCH', body: { ...changes, version: activity.version } }));
      setError(null);
      setSaved('Opgeslagen. Wie zich heeft aangemeld, hoort van de wijziging.');
    } catch (failure) {
      setError(asApiError(failure));
      setSaved(null);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      {back}
      <h1 class="utrecht-heading-1">Activiteit wijzigen</h1>
      <p class="utrecht-paragraph">
        <a class="utrecht-link utrecht-link--html-a" href={`/activiteiten/${encodeURIComponent(activity.id)}/aanmeldingen`}>Aanmeldingen bekijken</a>
      </p>
      <div aria-live="polite">{saved && <Alert kind="ok"><p class="utrecht-paragraph">{saved}</p></Alert>}</div>
      {activity.status !== 'scheduled' ? (
        <Alert kind="info">
          <p class="utrecht-paragraph">
            {activity.status === 'cancelled' ? `Deze activiteit is geannuleerd${activity.cancel_reason ? `: ${activity.cancel_reason}` : '.'}` : 'Deze activiteit is voorbij.'} Wijzigen kan niet meer.
          </p>
        </Alert>
      ) : (
        <>
          <form class="utrecht-form ww-form" onSubmit={save} noValidate aria-label="Activiteit wijzigen">
            <ErrorSummary form="wijzigen" error={error} fields={ACTIVITY_FIELDS} />
            <ActivityFields form="wijzigen" value={form} onChange={setForm} error={error} />
            <button type="submit" class="utrecht-button utrecht-button--html-button utrecht-button--primary-action" disabled={busy}>Wijzigingen opslaan</button>
          </form>
          <CancelForm activity={activity} onDone={(a) => { loaded.set(a); setSaved('De activiteit is geannuleerd. Iedereen die zich had aangemeld, krijgt bericht.'); }} />
        </>
      )}
    </>
  );
}
