/** What a member follows (GET/PUT /me/follows), and the "Volgen" button of a publication (its
 * topics), an activity or a question. PUT takes the whole list: the button adds to what it read. */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { useUser } from '../auth';
import { asApiError, useAction } from './fields';
import { Alert, Button, explain } from './forms';

export type Frequency = 'immediate' | 'daily' | 'weekly' | 'off';

export interface Follows {
  topics: string[];
  focus_areas: string[];
  organisations: string[];
  activities: string[];
  questions: string[];
  frequency: Frequency;
}

/** How often a member hears of what they follow, or of a kind of message. */
export const FREQUENCIES: { value: Frequency; label: string }[] = [
  { value: 'immediate', label: 'Direct, een e-mail per bericht' },
  { value: 'daily', label: 'Eén keer per dag, in een overzicht' },
  { value: 'weekly', label: 'Eén keer per week, in een overzicht' },
  { value: 'off', label: 'Niet' },
];

export type FollowList = Exclude<keyof Follows, 'frequency'>;

export const putFollows = (follows: Follows) => api<Follows>('/me/follows', { method: 'PUT', body: follows });

export function FollowButton({ list, ids, what }: { list: FollowList; ids: string[]; what: string }) {
  const user = useUser();
  const [follows, setFollows] = useState<Follows | null>(null);
  const [said, setSaid] = useState('');
  const { error, busy, run, setError } = useAction();
  useEffect(() => {
    if (user) api<Follows>('/me/follows').then(setFollows, (failure) => setError(asApiError(failure)));
  }, [user?.name]);
  if (!user || !ids.length || (!follows && !error)) return null;
  const following = !!follows && ids.every((id) => follows[list].includes(id));
  const toggle = () => run(async () => {
    if (!follows) return;
    const rest = follows[list].filter((id) => !ids.includes(id));
    setFollows(await putFollows({ ...follows, [list]: following ? rest : [...rest, ...ids] }));
    setSaid(following ? `U volgt ${what} niet meer.` : `U volgt nu ${what}. Wat u volgt staat bij Mijn meldingen.`);
  });
  return (
    <div class="ww-follow">
      {follows && (
        <Button appearance="secondary" onClick={toggle} disabled={busy}>
          {following ? 'Niet meer volgen' : 'Volgen'}<span class="ww-visually-hidden">: {what}</span>
        </Button>
      )}
      <p class="utrecht-paragraph ww-meta" role="status">{said || (following ? `U volgt ${what}.` : '')}</p>
      {error != null && <Alert kind="error"><p class="utrecht-paragraph">{explain(error)}</p></Alert>}
    </div>
  );
}
