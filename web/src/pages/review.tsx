/** An editor reviews one publication: the submission's text, or the pending revision against the
 * published text (a line diff of the body), readers' flags, the history; then decides (POST
 * /publications/{id}/review: publish, request changes, reject, with a note for the author), or
 * withdraws a published one. */
import { useState } from 'preact/hooks';
import { useRoute } from 'preact-iso';
import { api, ApiError } from '../api';
import { isEditor, useUser } from '../auth';
import { Alert, ErrorSummary, explain, TextField } from '../components/forms';
import { asApiError, RadioGroup } from '../components/fields';
import { lineDiff } from '../diff';
import { formatDate, formatDateTime } from '../format';
import { useLoad } from '../load';
import { usePageTitle } from '../page';
import { focusAreaLabel, organisationLabel, topicLabel, useTaxonomy, wordLabel } from '../taxonomy';
import type { Publication, PublicationContent, PublicationHistory, Taxonomy } from '../types';
import { HistoryList, STATUS } from './publication-edit';
import { PUBLICATION_FIELDS } from './publication-new';
import { REASONS } from './review-queue';

type Choice = 'publish' | 'request_changes' | 'reject' | 'withdraw';

function shown(taxonomy: Taxonomy | null, field: keyof PublicationContent, value: unknown): string {
  if (value === null || value === undefined || value === '') return '(leeg)';
  const list = Array.isArray(value) ? (value as string[]) : [String(value)];
  const label = field === 'topics' ? (s: string) => topicLabel(taxonomy, s)
    : field === 'focus_areas' ? (s: string) => focusAreaLabel(taxonomy, s)
    : field === 'organisation' ? (s: string) => organisationLabel(taxonomy, s)
    : field === 'kind' || field === 'audiences' ? wordLabel : (s: string) => s;
  return list.length ? list.map(label).join(', ') : '(geen)';
}

function BodyDiff({ before, after }: { before: string; after: string }) {
  return (
    <div class="ww-diff" role="group" aria-label="Tekst: verschillen per regel">
      {lineDiff(before, after).map((line, i) =>
        line.kind === 'same' ? <span key={i}>{line.text}{'\n'}</span>
          : line.kind === 'del' ? <del key={i}><span class="ww-visually-hidden">verwijderd: </span>− {line.text}</del>
          : <ins key={i}><span class="ww-visually-hidden">toegevoegd: </span>+ {line.text}</ins>)}
    </div>
  );
}

function Revision({ publication, taxonomy }: { publication: Publication; taxonomy: Taxonomy | null }) {
  const fields = publication.revision?.fields ?? {};
  return (
    <section aria-labelledby="wijziging-titel">
      <h2 id="wijziging-titel" class="utrecht-heading-2">Voorgestelde wijziging</h2>
      <p class="utrecht-paragraph">Voorgesteld op {formatDateTime(publication.revision?.at)}. Alleen de gewijzigde velden; de rest blijft zoals gepubliceerd.</p>
      {(Object.keys(fields) as (keyof PublicationContent)[]).map((field) => (
        <div key={field}>
          <h3 class="utrecht-heading-3">{PUBLICATION_FIELDS[field] ?? field}</h3>
          {field === 'body'
            ? <BodyDiff before={publication.body} after={fields.body ?? ''} />
            : (
              <dl class="utrecht-data-list utrecht-data-list--rows">
                <div class="utrecht-data-list__item"><dt class="utrecht-data-list__item-key">Nu</dt>
                  <dd class="utrecht-data-list__item-value utrecht-data-list__item-value--html-dd">{shown(taxonomy, field, publication[field])}</dd></div>
                <div class="utrecht-data-list__item"><dt class="utrecht-data-list__item-key">Voorgesteld</dt>
                  <dd class="utrecht-data-list__item-value utrecht-data-list__item-value--html-dd">{shown(taxonomy, field, fields[field])}</dd></div>
              </dl>
            )}
        </div>
      ))}
    </section>
  );
}

/** `onStale`: the decision was refused because the publication moved on (another editor decided): show its state now. */
function DecisionForm({ publication, onDone, onStale }: {
  publication: Publication; onDone: (p: Publication, message: string) => void; onStale: () => void;
}) {
  const pending = publication.status === 'submitted' || publication.revision?.status === 'pending';
  const standing = publication.status === 'published' && !pending && (publication.open_flags || publication.due_for_review);
  const choices: [Choice, string][] = pending
    ? [['publish', 'Publiceren'], ['request_changes', 'Aanpassen vragen aan de auteur'], ['reject', 'Afwijzen']]
    : standing ? [['publish', 'Blijft staan: meldingen afwijzen, opnieuw goedgekeurd'], ['withdraw', 'Terugtrekken uit de kennisbank']] : [];
  const [choice, setChoice] = useState<Choice | ''>('');
  const [note, setNote] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  if (!choices.length) {
    // after a refusal (another editor decided first) the reason stays in view above the new state
    return (
      <>
        <ErrorSummary form="besluit" error={error} fields={{}} />
        <p class="utrecht-paragraph">Er wacht niets op een beslissing.</p>
      </>
    );
  }
  const path = `/publications/${encodeURIComponent(publication.id)}`;
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    try {
      const answer = choice === 'withdraw'
        ? await api<Publication>(`${path}/withdraw`, { method: 'POST', body: { note: note || null } })
        : await api<Publication>(`${path}/review`, { method: 'POST', body: { decision: choice || undefined, note: note || null } });
      setError(null);
      onDone(answer, `Besluit vastgelegd: ${choices.find(([c]) => c === choice)?.[1] ?? ''}.`);
    } catch (failure) {
      setError(asApiError(failure));
      if (failure instanceof ApiError && failure.status === 409) onStale();
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="utrecht-form ww-form" onSubmit={submit} noValidate aria-labelledby="besluit-titel">
      <h2 id="besluit-titel" class="utrecht-heading-2">Besluit</h2>
      <ErrorSummary form="besluit" error={error} fields={{ decision: 'Besluit', note: 'Toelichting voor de auteur' }} />
      <RadioGroup form="besluit" name="decision" legend="Uw besluit" error={error} value={choice}
                  onChange={(value) => setChoice(value as Choice)} options={choices.map(([value, label]) => ({ value, label }))} />
      <TextField form="besluit" name="note" label="Toelichting voor de auteur" value={note} onInput={setNote} error={error} multiline rows={4}
                 required={choice === 'request_changes' || choice === 'reject'}
                 description="Verplicht bij aanpassen vragen en afwijzen: wat moet er anders, of waarom niet? De auteur krijgt dit per e-mail." />
      <button type="submit" class="utrecht-button utrecht-button--html-button utrecht-button--primary-action" disabled={busy}>
        Besluit vastleggen
      </button>
    </form>
  );
}

export function ReviewPage() {
  const { params } = useRoute();
  const id = params.id ?? '';
  const user = useUser();
  const taxonomy = useTaxonomy();
  const [message, setMessage] = useState<string | null>(null);
  const loaded = useLoad(`${id}${user ? '+' : ''}`, (signal) =>
    isEditor(user) ? api<Publication>(`/publications/${encodeURIComponent(id)}`, { signal }) : Promise.resolve(null));
  const publication = loaded.data;
  const history = useLoad(`${id}${publication?.updated_at ?? ''}`, (signal) =>
    publication ? api<PublicationHistory>(`/publications/${encodeURIComponent(id)}/history`, { signal }) : Promise.resolve(null));
  usePageTitle(publication ? `Beoordelen: ${publication.title}` : 'Beoordelen');
  if (!isEditor(user)) return <><h1 class="utrecht-heading-1">Beoordelen</h1><p class="utrecht-paragraph">Deze pagina is voor redacteuren{user ? '' : '; log in'}.</p></>;
  if (loaded.loading && !publication) return <p class="utrecht-paragraph" role="status">Publicatie laden…</p>;
  if (!publication) return <><h1 class="utrecht-heading-1">Beoordelen</h1><Alert kind="error"><p class="utrecht-paragraph">{explain(loaded.error)}</p></Alert></>;
  const flags = publication.flags ?? [];
  const facts: [string, string][] = [
    ['Status', STATUS[publication.status] ?? publication.status],
    ['Waarom in de wachtrij', (publication.queue ?? []).map((r) => REASONS[r] ?? r).join(', ')],
    ['Auteur', publication.author?.name ?? publication.authors.join(', ')],
    ['Soort', wordLabel(publication.kind)],
    ['Organisatie', organisationLabel(taxonomy, publication.organisation)],
    ['Thema’s', publication.topics.map((t) => topicLabel(taxonomy, t)).join(', ')],
    ['Focusgebieden', publication.focus_areas.map((f) => focusAreaLabel(taxonomy, f)).join(', ')],
    ['Doelgroepen', publication.audiences.map(wordLabel).join(', ')],
    ['Herbeoordeling', formatDate(publication.review_due)],
  ];
  return (
    <>
      <p class="utrecht-paragraph"><a class="utrecht-link utrecht-link--html-a" href="/redactie">Redactie</a></p>
      <h1 class="utrecht-heading-1">{publication.title}</h1>
      <div aria-live="polite">{message && <Alert kind="ok"><p class="utrecht-paragraph">{message}</p></Alert>}</div>
      {publication.hidden && <Alert kind="warning"><p class="utrecht-paragraph">Verborgen door meldingen van lezers, tot u beslist.</p></Alert>}
      <dl class="utrecht-data-list utrecht-data-list--rows ww-facts">
        {facts.filter(([, v]) => v).map(([k, v]) => (
          <div class="utrecht-data-list__item" key={k}>
            <dt class="utrecht-data-list__item-key">{k}</dt>
            <dd class="utrecht-data-list__item-value utrecht-data-list__item-value--html-dd">{v}</dd>
          </div>
        ))}
      </dl>
      {publication.summary && <p class="utrecht-paragraph utrecht-paragraph--lead">{publication.summary}</p>}
      {publication.revision?.status === 'pending' && <Revision publication={publication} taxonomy={taxonomy} />}
      {flags.length > 0 && (
        <section aria-labelledby="meldingen-titel">
          <h2 id="meldingen-titel" class="utrecht-heading-2">Meldingen van lezers</h2>
          <ul class="utrecht-unordered-list">
            {flags.map((f, i) => (
              <li class="utrecht-unordered-list__item" key={f.id ?? i}>
                “{f.reason}”, {formatDateTime(f.at)}{f.status !== 'open' && ` (${f.status === 'dismissed' ? 'afgewezen' : 'terecht'})`}
              </li>
            ))}
          </ul>
        </section>
      )}
      <DecisionForm publication={publication} onDone={(p, said) => { loaded.set(p); setMessage(said); }} onStale={loaded.reload} />
      <section aria-labelledby="tekst-titel">
        <h2 id="tekst-titel" class="utrecht-heading-2">{publication.status === 'published' ? 'Gepubliceerde tekst' : 'Tekst'}</h2>
        {/* the API sanitises body_html (an allow-list of tags and attributes, no scripts) */}
        <div class="utrecht-html ww-body ww-preview" dangerouslySetInnerHTML={{ __html: publication.body_html }} />
      </section>
      {history.data && (
        <section aria-labelledby="geschiedenis-titel">
          <h2 id="geschiedenis-titel" class="utrecht-heading-2">Geschiedenis</h2>
          <HistoryList history={history.data.history} authorSub={publication.author?.sub} />
        </section>
      )}
    </>
  );
}
