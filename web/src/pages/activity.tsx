/** An activity, with "Aanmelden" (anonymous with name and e-mail, or as the signed-in member),
 * "Zet in mijn agenda" (.ics) and the API's answer: a place, or the waitlist. */
import { useState } from 'preact/hooks';
import { useRoute } from 'preact-iso';
import { api, apiPath } from '../api';
import { organises, useUser } from '../auth';
import { useAction } from '../components/fields';
import { FollowButton } from '../components/follow';
import { Alert, ErrorSummary, TextField } from '../components/forms';
import { formatDateTime, formatPeriod } from '../format';
import { useLoad } from '../load';
import { usePageTitle } from '../page';
import { NotLoaded } from './not-found';
import { focusAreaLabel, organisationLabel, topicLabel, useTaxonomy, wordLabel } from '../taxonomy';
import type { Activity, Registration } from '../types';

export function registrationLink(registration: Registration): string {
  const base = `/activiteiten/${encodeURIComponent(registration.activity_id)}/aanmelding/${encodeURIComponent(registration.id)}`;
  return registration.token ? `${base}?token=${encodeURIComponent(registration.token)}` : base;
}

function RegistrationAnswer({ registration }: { registration: Registration }) {
  const link = registrationLink(registration);
  return (
    <Alert kind={registration.status === 'confirmed' ? 'ok' : 'info'}>
      <h2 class="utrecht-heading-2">{registration.status === 'confirmed' ? 'U bent aangemeld' : 'U staat op de wachtlijst'}</h2>
      <p class="utrecht-paragraph">
        {registration.status === 'confirmed'
          ? `U hebt een plaats. De bevestiging gaat naar ${registration.email}.`
          : `De activiteit is vol. U bent nummer ${registration.position ?? '?'} op de wachtlijst; komt er een plaats vrij, dan krijgt u die vanzelf en hoort u het per e-mail.`}
      </p>
      {registration.token ? (
        <>
          <p class="utrecht-paragraph">
            Bewaar deze link: hiermee bekijkt of annuleert u uw aanmelding. Hij staat ook in de e-mail, en wordt maar één keer getoond.
          </p>
          <p class="utrecht-paragraph ww-token-link">
            <a class="utrecht-link utrecht-link--html-a" href={link}>{new URL(link, window.location.origin).href}</a>
          </p>
        </>
      ) : (
        <p class="utrecht-paragraph"><a class="utrecht-link utrecht-link--html-a" href={link}>Uw aanmelding bekijken of annuleren</a></p>
      )}
    </Alert>
  );
}

function RegisterForm({ activity }: { activity: Activity }) {
  const user = useUser();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const { error, busy, run } = useAction();
  const [registration, setRegistration] = useState<Registration | null>(null);
  if (registration) return <RegistrationAnswer registration={registration} />;
  if (activity.status !== 'scheduled') return null;
  if (!activity.registration_open) {
    return <Alert kind="info"><p class="utrecht-paragraph">Aanmelden is gesloten.</p></Alert>;
  }
  const submit = async (event: Event) => {
    event.preventDefault();
    // a member registers as themselves: name and e-mail come from the token
    const body = user ? {} : { name, email };
    await run(async () => {
      setRegistration(await api<Registration>(`/activities/${encodeURIComponent(activity.id)}/registrations`, { method: 'POST', body }));
    });
  };
  return (
    <form class="utrecht-form ww-form" onSubmit={submit} noValidate aria-labelledby="aanmelden-titel">
      <h2 id="aanmelden-titel" class="utrecht-heading-2">Aanmelden</h2>
      <ErrorSummary form="aanmelden" error={error} fields={user ? {} : { name: 'Naam', email: 'E-mailadres' }} />
      {user ? (
        <p class="utrecht-paragraph">U meldt zich aan als {user.name}{user.email ? ` (${user.email})` : ''}.</p>
      ) : (
        <>
          <TextField form="aanmelden" name="name" label="Naam" value={name} onInput={setName} error={error} required autocomplete="name" />
          <TextField form="aanmelden" name="email" label="E-mailadres" type="email" value={email} onInput={setEmail} error={error}
                     required autocomplete="email" description="Hier komt de bevestiging met de link om af te melden." />
        </>
      )}
      <button type="submit" class="utrecht-button utrecht-button--html-button utrecht-button--primary-action" disabled={busy}>
        {activity.places_left === 0 ? 'Op de wachtlijst' : 'Aanmelden'}
      </button>
    </form>
  );
}

/** Organisers of its organisation and admins manage it. */
function OrganiserLinks({ activity }: { activity: Activity }) {
  const user = useUser();
  if (!organises(user, activity.organisation)) return null;
  const id = encodeURIComponent(activity.id);
  return (
    <p class="utrecht-paragraph ww-actions">
      <a class="utrecht-link utrecht-link--html-a" href={`/activiteiten/${id}/bewerken`}>Wijzigen of annuleren</a>
      <a class="utrecht-link utrecht-link--html-a" href={`/activiteiten/${id}/aanmeldingen`}>Aanmeldingen</a>
    </p>
  );
}

export function ActivityPage() {
  const { params } = useRoute();
  const id = params.id ?? '';
  const taxonomy = useTaxonomy();
  const { data: activity, error, loading } = useLoad(id, (signal) => api<Activity>(`/activities/${encodeURIComponent(id)}`, { signal }));
  usePageTitle(activity?.title ?? (loading ? null : 'Activiteit'));
  if (loading && !activity) return <p class="utrecht-paragraph" role="status">Activiteit laden…</p>;
  if (!activity) {
    return <NotLoaded what="Activiteit" error={error} back="/agenda" backLabel="Terug naar de agenda" />;
  }
  const facts: [string, string][] = [
    ['Wanneer', formatPeriod(activity.starts_at, activity.ends_at)],
    ['Waar', activity.location ? `${activity.location.name}, ${activity.location.address}, ${activity.location.municipality}` : ''],
    ['Online', activity.online_url ? 'Ja, de link krijgt u bij de bevestiging' : ''],
    ['Soort', wordLabel(activity.kind)],
    ['Organisatie', organisationLabel(taxonomy, activity.organisation)],
    ['Thema’s', activity.topics.map((t) => topicLabel(taxonomy, t)).join(', ')],
    ['Focusgebieden', activity.focus_areas.map((f) => focusAreaLabel(taxonomy, f)).join(', ')],
    ['Doelgroepen', activity.audiences.map(wordLabel).join(', ')],
    ['Plaatsen', activity.capacity === null ? 'Onbeperkt' : `${activity.places_left ?? 0} van ${activity.capacity} vrij${activity.waitlisted ? `, ${activity.waitlisted} op de wachtlijst` : ''}`],
    ['Aanmelden kan tot', formatDateTime(activity.registration_deadline)],
  ];
  return (
    <article class="ww-article">
      <p class="utrecht-paragraph"><a class="utrecht-link utrecht-link--html-a" href="/agenda">Agenda</a></p>
      <h1 class="utrecht-heading-1">{activity.title}</h1>
      <OrganiserLinks activity={activity} />
      {activity.status === 'cancelled' && (
        <Alert kind="warning"><p class="utrecht-paragraph">Deze activiteit is geannuleerd.{activity.cancel_reason ? ` ${activity.cancel_reason}` : ''}</p></Alert>
      )}
      <dl class="utrecht-data-list utrecht-data-list--rows ww-facts">
        {facts.filter(([, value]) => value).map(([key, value]) => (
          <div class="utrecht-data-list__item" key={key}>
            <dt class="utrecht-data-list__item-key">{key}</dt>
            <dd class="utrecht-data-list__item-value utrecht-data-list__item-value--html-dd">{value}</dd>
          </div>
        ))}
      </dl>
      <div class="ww-description">
        {activity.description.split(/\n{2,}/).map((paragraph, i) => <p class="utrecht-paragraph" key={i}>{paragraph}</p>)}
      </div>
      <p class="utrecht-paragraph">
        <a class="utrecht-link utrecht-link--html-a" href={apiPath(`/activities/${encodeURIComponent(activity.id)}.ics`)} download>
          Zet in mijn agenda (.ics)
        </a>
      </p>
      <FollowButton list="activities" ids={[activity.id]} what="deze activiteit" />
      <RegisterForm activity={activity} />
    </article>
  );
}
