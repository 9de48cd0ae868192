/** Mijn meldingen, Voorkeuren: per kind of message how it reaches the member (GET/PUT
 * /me/preferences). Critical kinds are shown, always sent at once, and cannot be changed. */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { useUser } from '../auth';
import { type Frequency, FREQUENCIES } from '../components/follow';
import { Alert, ErrorSummary, explain } from '../components/forms';
import { SelectField, useAction } from '../components/fields';
import { useLoad } from '../load';
import { usePageTitle } from '../page';

interface KindPreference { kind: string; label: string; critical: boolean; frequency: Frequency }
interface Preferences { frequency: Frequency; kinds: KindPreference[] }

/** Kinds that may wait for a digest; the others (about one's own business) are immediate or off.
 * The API does not list this per kind (it refuses the rest with 422). */
const DIGESTIBLE = ['publication_published', 'activity_changed', 'question_followed'];

export function PreferencesPage() {
  const user = useUser();
  const saved = useLoad(user?.name ?? '', (signal) => (user ? api<Preferences>('/me/preferences', { signal }) : Promise.resolve(null)));
  const [kinds, setKinds] = useState<Record<string, Frequency>>({});
  const [done, setDone] = useState('');
  const save = useAction();
  usePageTitle('Mijn voorkeuren');
  useEffect(() => setKinds(Object.fromEntries((saved.data?.kinds ?? []).map((k) => [k.kind, k.frequency]))), [saved.data]);

  if (!user) return <><h1 class="utrecht-heading-1">Mijn voorkeuren</h1><p class="utrecht-paragraph">Log in om uw voorkeuren te kiezen.</p></>;
  const data = saved.data;
  const switchable = data?.kinds.filter((k) => !k.critical) ?? [];
  const submit = async (event: Event) => {
    event.preventDefault();
    setDone('');
    const changed = Object.fromEntries(switchable.filter((k) => kinds[k.kind] !== k.frequency).map((k) => [k.kind, kinds[k.kind]]));
    if (await save.run(async () => saved.set(await api<Preferences>('/me/preferences', { method: 'PUT', body: { kinds: changed } })))) {
      setDone('Opgeslagen.');
    }
  };
  return (
    <>
      <h1 class="utrecht-heading-1">Mijn voorkeuren</h1>
      <p class="utrecht-paragraph">
        Kies per soort bericht hoe u het krijgt. Wat u volgt en hoe vaak:{' '}
        <a class="utrecht-link utrecht-link--html-a" href="/mijn/volgen">wat ik volg</a>. Wat u kreeg:{' '}
        <a class="utrecht-link utrecht-link--html-a" href="/mijn/meldingen">mijn meldingen</a>.
      </p>
      {saved.loading && !data && <p class="utrecht-paragraph" role="status">Laden…</p>}
      {saved.error != null && <Alert kind="error"><p class="utrecht-paragraph">{explain(saved.error)}</p></Alert>}
      <p class="utrecht-paragraph" role="status">{done}</p>
      {data && (
        <form class="utrecht-form ww-form" onSubmit={submit} noValidate aria-label="Mijn voorkeuren">
          <ErrorSummary form="voorkeuren" error={save.error}
                        fields={Object.fromEntries(switchable.map((k) => [`kinds.${k.kind}`, k.label]))} />
          {switchable.map((k) => (
            <SelectField key={k.kind} form="voorkeuren" name={`kinds.${k.kind}`} label={k.label} value={kinds[k.kind] ?? k.frequency}
                         error={save.error} onChange={(value) => setKinds({ ...kinds, [k.kind]: value as Frequency })}
                         options={FREQUENCIES.filter((f) => DIGESTIBLE.includes(k.kind) || f.value === 'immediate' || f.value === 'off')} />
          ))}
          <button type="submit" class="utrecht-button utrecht-button--html-button utrecht-button--primary-action" disabled={save.busy}>Opslaan</button>
        </form>
      )}
      {data && (
        <>
          <h2 class="utrecht-heading-2">Altijd direct</h2>
          <p class="utrecht-paragraph">Deze berichten krijgt u altijd meteen; ze zijn niet uit te zetten.</p>
          <ul class="utrecht-unordered-list">
            {data.kinds.filter((k) => k.critical).map((k) => <li class="utrecht-unordered-list__item" key={k.kind}>{k.label}</li>)}
          </ul>
        </>
      )}
    </>
  );
}
