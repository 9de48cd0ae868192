/** Organisers schedule an activity (POST /activities) for the organisation their token names;
 * admins for any. The form's fields are shared with the page that changes an activity. */
import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { api, ApiError } from '../api';
import { organises, useUser } from '../auth';
import { ErrorSummary, fieldId, inDutch, TextField } from '../components/forms';
import { asApiError, CheckboxGroup, SelectField } from '../components/fields';
import { fromLocalInput, toLocalInput } from '../format';
import { usePageTitle } from '../page';
import { optionsOf, organisationLabel, useTaxonomy } from '../taxonomy';
import type { Activity } from '../types';

export const ACTIVITY_FIELDS: Record<string, string> = {
  title: 'Titel', description: 'Beschrijving', kind: 'Soort activiteit', starts_at: 'Begint', ends_at: 'Eindigt',
  topics: 'Thema’s', focus_areas: 'Focusgebieden', audiences: 'Doelgroepen', capacity: 'Aantal plaatsen',
  registration_deadline: 'Aanmelden kan tot', online_url: 'Online link',
  'location.name': 'Naam van de locatie', 'location.address': 'Adres', 'location.municipality': 'Gemeente',
  location: 'Waar', organisation: 'Organisatie',
};

/** What the form edits: the inputs' own values (times on the Dutch clock). */
export interface ActivityForm {
  title: string; description: string; kind: string; starts_at: string; ends_at: string;
  topics: string[]; focus_areas: string[]; audiences: string[]; capacity: string; registration_deadline: string;
  online_url: string; place: string; address: string; municipality: string;
}

export function formOf(a: Activity | null): ActivityForm {
  return {
    title: a?.title ?? '', description: a?.description ?? '', kind: a?.kind ?? '',
    starts_at: toLocalInput(a?.starts_at), ends_at: toLocalInput(a?.ends_at),
    topics: a?.topics ?? [], focus_areas: a?.focus_areas ?? [], audiences: a?.audiences ?? [],
    capacity: a?.capacity == null ? '' : String(a.capacity), registration_deadline: toLocalInput(a?.registration_deadline),
    online_url: a?.online_url ?? '', place: a?.location?.name ?? '', address: a?.location?.address ?? '',
    municipality: a?.location?.municipality ?? '',
  };
}

/** The form as the API's ActivityDraft: empty required fields left out (the API names them), empty optional ones null. */
export function bodyOf(f: ActivityForm): Record<string, unknown> {
  const place = f.place || f.address || f.municipality;
  return {
    title: f.title, description: f.description, kind: f.kind || undefined,
    starts_at: fromLocalInput(f.starts_at) || undefined, ends_at: fromLocalInput(f.ends_at) || undefined,
    topics: f.topics, focus_areas: f.focus_areas, audiences: f.audiences,
    capacity: f.capacity.trim() ? Number(f.capacity) : null,
    registration_deadline: fromLocalInput(f.registration_deadline) || null,
    online_url: f.online_url.trim() || null,
    location: place ? { name: f.place, address: f.address, municipality: f.municipality } : null,
  };
}

export function ActivityFields({ form, value, onChange, error }: {
  form: string; value: ActivityForm; onChange: (value: ActivityForm) => void; error: ApiError | null;
}) {
  const taxonomy = useTaxonomy();
  const set = <K extends keyof ActivityForm>(key: K) => (v: ActivityForm[K]) => onChange({ ...value, [key]: v });
  const F = ACTIVITY_FIELDS;
  const where = error?.fieldErrors.filter((e) => e.field === 'location') ?? [];
  const whereId = fieldId(form, 'location');
  return (
    <>
      <TextField form={form} name="title" label={F.title} value={value.title} onInput={set('title')} error={error} required />
      <TextField form={form} name="description" label={F.description} value={value.description} onInput={set('description')}
                 error={error} multiline rows={8} required description="Wat gaat er gebeuren, voor wie is het? Een lege regel begint een nieuwe alinea." />
      <SelectField form={form} name="kind" label={F.kind} value={value.kind} onChange={set('kind')} error={error} required
                   empty="Kies een soort" options={optionsOf(taxonomy, 'activity_kinds')} />
      <TextField form={form} name="starts_at" label={F.starts_at} type="datetime-local" value={value.starts_at} onInput={set('starts_at')}
                 error={error} required description="Datum en tijd, Nederlandse tijd." />
      <TextField form={form} name="ends_at" label={F.ends_at} type="datetime-local" value={value.ends_at} onInput={set('ends_at')}
                 error={error} required />
      <fieldset id={whereId} tabIndex={-1} class={`utrecht-form-fieldset utrecht-form-fieldset--html-fieldset${where.length ? ' utrecht-form-fieldset--invalid' : ''}`}
                aria-describedby={where.length ? `${whereId}-error` : `${whereId}-description`}>
        <legend class="utrecht-form-fieldset__legend utrecht-form-fieldset__legend--html-legend">{F.location}</legend>
        <div class="utrecht-form-field-description" id={`${whereId}-description`}>Een locatie, een online link, of allebei.</div>
        {where.length > 0 && <div class="utrecht-form-field-error-message" id={`${whereId}-error`}>{where.map((e) => inDutch(e.message)).join(' ')}</div>}
        <TextField form={form} name="location.name" label={F['location.name']} value={value.place} onInput={set('place')} error={error} />
        <TextField form={form} name="location.address" label={F['location.address']} value={value.address} onInput={set('address')} error={error}
                   autocomplete="street-address" />
        <TextField form={form} name="location.municipality" label={F['location.municipality']} value={value.municipality} onInput={set('municipality')} error={error} />
        <TextField form={form} name="online_url" label={F.online_url} type="url" value={value.online_url} onInput={set('online_url')} error={error}
                   description="Begint met https://. Deelnemers krijgen de link bij hun bevestiging." />
      </fieldset>
      <TextField form={form} name="capacity" label={F.capacity} type="number" value={value.capacity} onInput={set('capacity')} error={error}
                 description="Leeg: onbeperkt. Is het vol, dan komen nieuwe aanmeldingen op de wachtlijst." />
      <TextField form={form} name="registration_deadline" label={F.registration_deadline} type="datetime-local" value={value.registration_deadline}
                 onInput={set('registration_deadline')} error={error} description="Leeg: tot het begin." />
      <CheckboxGroup form={form} name="topics" legend={`${F.topics} (niet verplicht)`} options={optionsOf(taxonomy, 'topics')}
                     selected={value.topics} onChange={set('topics')} error={error} />
      <CheckboxGroup form={form} name="audiences" legend={`${F.audiences} (niet verplicht)`} options={optionsOf(taxonomy, 'audiences')}
                     selected={value.audiences} onChange={set('audiences')} error={error} />
      <CheckboxGroup form={form} name="focus_areas" legend={`${F.focus_areas} (niet verplicht)`} options={optionsOf(taxonomy, 'focus_areas')}
                     selected={value.focus_areas} onChange={set('focus_areas')} error={error} />
    </>
  );
}

export function NewActivityPage() {
  const user = useUser();
  const taxonomy = useTaxonomy();
  const { route } = useLocation();
  const [form, setForm] = useState<ActivityForm>(formOf(null));
  const [organisation, setOrganisation] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  usePageTitle('Activiteit plannen');
  if (!organises(user)) {
    return <><h1 class="utrecht-heading-1">Activiteit plannen</h1><p class="utrecht-paragraph">Deze pagina is voor organisatoren{user ? '' : '; log in'}.</p></>;
  }
  const admin = user?.roles.includes('admin') ?? false;
  const own = user?.organisation ?? null;
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    try {
      const made = await api<Activity>('/activities', { method: 'POST', body: { ...bodyOf(form), organisation: (admin ? organisation || own : own) || undefined } });
      route(`/activiteiten/${encodeURIComponent(made.id)}`);
    } catch (failure) {
      setError(asApiError(failure));
      setBusy(false);
    }
  };
  return (
    <>
      <h1 class="utrecht-heading-1">Activiteit plannen</h1>
      {own && (
        <p class="utrecht-paragraph">
          U plant deze activiteit namens {organisationLabel(taxonomy, own)}.{' '}
          <a class="utrecht-link utrecht-link--html-a" href={`/agenda?organisation=${encodeURIComponent(own)}`}>De komende activiteiten van uw organisatie</a>
        </p>
      )}
      <form class="utrecht-form ww-form" onSubmit={submit} noValidate aria-label="Activiteit plannen">
        <ErrorSummary form="activiteit" error={error} fields={ACTIVITY_FIELDS} />
        {admin && (
          <SelectField form="activiteit" name="organisation" label={ACTIVITY_FIELDS.organisation} value={organisation} onChange={setOrganisation}
                       error={error} empty={own ? `Mijn organisatie (${organisationLabel(taxonomy, own)})` : 'Geen organisatie'}
                       options={optionsOf(taxonomy, 'organisations')} />
        )}
        <ActivityFields form="activiteit" value={form} onChange={setForm} error={error} />
        <button type="submit" class="utrecht-button utrecht-button--html-button utrecht-button--primary-action" disabled={busy}>
          Activiteit plannen
        </button>
      </form>
    </>
  );
}
