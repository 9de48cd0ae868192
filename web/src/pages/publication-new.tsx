/** Bijdragen: a member writes a draft publication (POST /publications), then edits it on its
 * own page. The form's fields are shared with that page. */
import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { api, ApiError } from '../api';
import { useUser } from '../auth';
import { ErrorSummary, TextField } from '../components/forms';
import { asApiError, CheckboxGroup, SelectField } from '../components/fields';
import { usePageTitle } from '../page';
import { optionsOf, useTaxonomy } from '../taxonomy';
import type { Publication, PublicationContent } from '../types';

export const PUBLICATION_FIELDS: Record<keyof PublicationContent, string> = {
  title: 'Titel',
  summary: 'Samenvatting',
  kind: 'Soort publicatie',
  topics: 'Thema’s',
  audiences: 'Doelgroepen',
  focus_areas: 'Focusgebieden',
  organisation: 'Organisatie',
  body: 'Tekst',
};

export const EMPTY_PUBLICATION: PublicationContent = {
  title: '', summary: '', body: '', kind: '', topics: [], audiences: [], focus_areas: [], organisation: null,
};

/** The fields of a publication's content, each with the API's errors for it. */
export function PublicationFields({ form, value, onChange, error }: {
  form: string; value: PublicationContent; onChange: (value: PublicationContent) => void; error: ApiError | null;
}) {
  const taxonomy = useTaxonomy();
  const set = <K extends keyof PublicationContent>(key: K) => (v: PublicationContent[K]) => onChange({ ...value, [key]: v });
  const F = PUBLICATION_FIELDS;
  return (
    <>
      <TextField form={form} name="title" label={F.title} value={value.title} onInput={set('title')} error={error} required
                 description="3 tot 200 tekens." />
      <TextField form={form} name="summary" label={F.summary} value={value.summary} onInput={set('summary')} error={error}
                 multiline rows={3} description="Eén of twee zinnen: waar gaat het over, voor wie is het?" />
      <SelectField form={form} name="kind" label={F.kind} value={value.kind} onChange={set('kind')} error={error} required
                   empty="Kies een soort" options={optionsOf(taxonomy, 'publication_kinds')} />
      <CheckboxGroup form={form} name="topics" legend={`${F.topics} (niet verplicht)`} options={optionsOf(taxonomy, 'topics')}
                     selected={value.topics} onChange={set('topics')} error={error} />
      <CheckboxGroup form={form} name="audiences" legend={`${F.audiences} (niet verplicht)`} options={optionsOf(taxonomy, 'audiences')}
                     selected={value.audiences} onChange={set('audiences')} error={error} />
      <CheckboxGroup form={form} name="focus_areas" legend={`${F.focus_areas} (niet verplicht)`} options={optionsOf(taxonomy, 'focus_areas')}
                     selected={value.focus_areas} onChange={set('focus_areas')} error={error} />
      <SelectField form={form} name="organisation" label={F.organisation} value={value.organisation ?? ''} error={error}
                   onChange={(v) => onChange({ ...value, organisation: v || null })} empty="Geen organisatie"
                   options={optionsOf(taxonomy, 'organisations')} />
      <TextField form={form} name="body" label={F.body} value={value.body} onInput={set('body')} error={error} multiline rows={16}
                 description="In Markdown: een lege regel tussen alinea’s, ## voor een tussenkop, - voor een opsomming, [tekst](https://…) voor een link. Na opslaan ziet u hoe het eruitziet." />
    </>
  );
}

export function NewPublicationPage() {
  const user = useUser();
  const { route } = useLocation();
  const [draft, setDraft] = useState<PublicationContent>(EMPTY_PUBLICATION);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  usePageTitle('Nieuwe publicatie');
  if (!user) {
    return (
      <>
        <h1 class="utrecht-heading-1">Bijdragen aan de kennisbank</h1>
        <p class="utrecht-paragraph">Log in om een publicatie te schrijven.</p>
      </>
    );
  }
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    try {
      const made = await api<Publication>('/publications', { method: 'POST', body: { ...draft, kind: draft.kind || undefined } });
      route(`/publicaties/${encodeURIComponent(made.id)}/bewerken?nieuw=1`);
    } catch (failure) {
      setError(asApiError(failure));
      setBusy(false);
    }
  };
  return (
    <>
      <h1 class="utrecht-heading-1">Nieuwe publicatie</h1>
      <p class="utrecht-paragraph">
        Deel wat werkt in de wijk. U schrijft eerst een concept; dat ziet alleen u. Als het af is, dient u het in en
        beoordeelt de redactie het voordat het in de kennisbank komt.
      </p>
      <form class="utrecht-form ww-form" onSubmit={submit} noValidate aria-label="Nieuwe publicatie">
        <ErrorSummary form="publicatie" error={error} fields={PUBLICATION_FIELDS} />
        <PublicationFields form="publicatie" value={draft} onChange={setDraft} error={error} />
        <button type="submit" class="utrecht-button utrecht-button--html-button utrecht-button--primary-action" disabled={busy}>
          Concept opslaan
        </button>
      </form>
    </>
  );
}
