/** Mijn meldingen, Volgen: what the member follows (GET/PUT /me/follows) and how often they hear of
 * it. Topics, focus areas and organisations in one form; single activities and questions listed,
 * each with a button that stops following it. */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { useUser } from '../auth';
import { type Follows, type FollowList, FREQUENCIES, putFollows } from '../components/follow';
import { Alert, Button, ErrorSummary, explain } from '../components/forms';
import { CheckboxGroup, RadioGroup, useAction } from '../components/fields';
import { useLoad } from '../load';
import { usePageTitle } from '../page';
import { useTaxonomy } from '../taxonomy';

const FIELDS = { topics: 'Thema’s', focus_areas: 'Focusgebieden', organisations: 'Organisaties', frequency: 'Hoe vaak' };

/** The title of a followed activity or question (its id when it cannot be read). */
function ItemLink({ list, id }: { list: 'activities' | 'questions'; id: string }) {
  const [title, setTitle] = useState<string | null>(null);
  useEffect(() => {
    api<{ title: string }>(`/${list}/${encodeURIComponent(id)}`).then((item) => setTitle(item.title), () => setTitle(null));
  }, [list, id]);
  const href = `/${list === 'activities' ? 'activiteiten' : 'vragen'}/${encodeURIComponent(id)}`;
  return <a class="utrecht-link utrecht-link--html-a" href={href}>{title ?? `${list === 'activities' ? 'Activiteit' : 'Vraag'} ${id}`}</a>;
}

export function FollowsPage() {
  const user = useUser();
  const taxonomy = useTaxonomy();
  const saved = useLoad(user?.name ?? '', (signal) => (user ? api<Follows>('/me/follows', { signal }) : Promise.resolve(null)));
  const [form, setForm] = useState<Follows | null>(null);
  const [done, setDone] = useState('');
  const save = useAction();
  const remove = useAction();
  usePageTitle('Wat ik volg');
  useEffect(() => setForm(saved.data), [saved.data]);

  if (!user) return <><h1 class="utrecht-heading-1">Wat ik volg</h1><p class="utrecht-paragraph">Log in om te kiezen wat u volgt.</p></>;
  if (!form || !saved.data) {
    return (
      <>
        <h1 class="utrecht-heading-1">Wat ik volg</h1>
        {saved.error != null ? <Alert kind="error"><p class="utrecht-paragraph">{explain(saved.error)}</p></Alert>
          : <p class="utrecht-paragraph" role="status">Laden…</p>}
      </>
    );
  }
  const set = (list: FollowList | 'frequency') => (value: string | string[]) => setForm({ ...form, [list]: value });
  const submit = async (event: Event) => {
    event.preventDefault();
    setDone('');
    if (await save.run(async () => saved.set(await putFollows(form)))) setDone('Opgeslagen.');
  };
  const unfollow = (list: 'activities' | 'questions', id: string) => remove.run(async () => {
    const after = await putFollows({ ...saved.data!, [list]: saved.data![list].filter((i) => i !== id) });
    saved.set(after);
    setDone(list === 'activities' ? 'U volgt de activiteit niet meer.' : 'U volgt de vraag niet meer.');
  });
  const items = (list: 'activities' | 'questions', title: string, none: string) => (
    <section aria-labelledby={`volg-${list}`}>
      <h2 id={`volg-${list}`} class="utrecht-heading-2">{title}</h2>
      {saved.data![list].length === 0 ? <p class="utrecht-paragraph">{none}</p> : (
        <ul class="utrecht-unordered-list ww-follow-list">
          {saved.data![list].map((id) => (
            <li class="utrecht-unordered-list__item" key={id}>
              <ItemLink list={list} id={id} />{' '}
              <Button appearance="subtle" disabled={remove.busy} onClick={() => unfollow(list, id)}>
                Niet meer volgen<span class="ww-visually-hidden"> ({list === 'activities' ? 'activiteit' : 'vraag'} {id})</span>
              </Button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
  return (
    <>
      <h1 class="utrecht-heading-1">Wat ik volg</h1>
      <p class="utrecht-paragraph">
        U krijgt een e-mail over nieuwe publicaties en activiteiten die u volgt. Per soort bericht kiezen:{' '}
        <a class="utrecht-link utrecht-link--html-a" href="/mijn/voorkeuren">mijn voorkeuren</a>. Wat u kreeg:{' '}
        <a class="utrecht-link utrecht-link--html-a" href="/mijn/meldingen">mijn meldingen</a>.
      </p>
      <p class="utrecht-paragraph" role="status">{done}</p>
      <form class="utrecht-form ww-form ww-form--wide" onSubmit={submit} noValidate aria-label="Wat ik volg">
        <ErrorSummary form="volgen" error={save.error} fields={FIELDS} />
        <RadioGroup form="volgen" name="frequency" legend={FIELDS.frequency} error={save.error} options={FREQUENCIES}
                    value={form.frequency} onChange={set('frequency')} />
        <CheckboxGroup form="volgen" name="topics" legend={FIELDS.topics} error={save.error} selected={form.topics} onChange={set('topics')}
                       options={(taxonomy?.topics ?? []).map((t) => ({ value: t.slug, label: t.label }))} />
        <CheckboxGroup form="volgen" name="focus_areas" legend={FIELDS.focus_areas} error={save.error} selected={form.focus_areas}
                       onChange={set('focus_areas')}
                       options={(taxonomy?.focus_areas ?? []).map((f) => ({ value: f.slug, label: `${f.name} (${f.municipality})` }))} />
        <CheckboxGroup form="volgen" name="organisations" legend={FIELDS.organisations} error={save.error} selected={form.organisations}
                       onChange={set('organisations')} options={(taxonomy?.organisations ?? []).map((o) => ({ value: o.slug, label: o.name }))} />
        <button type="submit" class="utrecht-button utrecht-button--html-button utrecht-button--primary-action" disabled={save.busy}>Opslaan</button>
      </form>
      {remove.error && <Alert kind="error"><p class="utrecht-paragraph">{explain(remove.error)}</p></Alert>}
      {items('activities', 'Activiteiten die ik volg', 'U volgt geen losse activiteiten. Kies Volgen op de pagina van een activiteit.')}
      {items('questions', 'Vragen die ik volg', 'U volgt geen vragen.')}
    </>
  );
}
