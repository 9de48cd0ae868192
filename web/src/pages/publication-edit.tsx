/** A member's own publication: edit it (PATCH), see the API's rendering of what was saved, submit
 * it for review, read the editors' decision, withdraw it. An edit of a published publication is a
 * pending revision for the editors. */
import { useEffect, useState } from 'preact/hooks';
import { useRoute } from 'preact-iso';
import { api, ApiError } from '../api';
import { isEditor, useUser } from '../auth';
import { Alert, Button, ErrorSummary, explain, TextField } from '../components/forms';
import { asApiError } from '../components/fields';
import { formatDateTime, PUBLICATION_STATUS } from '../format';
import { useLoad } from '../load';
import { usePageTitle } from '../page';
import type { HistoryEntry, Publication, PublicationContent, PublicationHistory } from '../types';
import { EMPTY_PUBLICATION, PUBLICATION_FIELDS, PublicationFields } from './publication-new';

export const STATUS = PUBLICATION_STATUS;

const ACTIONS: Record<string, string> = {
  created: 'Aangemaakt', imported: 'Geïmporteerd', edited: 'Bewerkt', submitted: 'Ingediend', published: 'Gepubliceerd',
  changes_requested: 'Aanpassen gevraagd', rejected: 'Afgewezen', withdrawn: 'Teruggetrokken',
  revision_proposed: 'Wijziging voorgesteld', revision_published: 'Wijziging gepubliceerd',
  revision_changes_requested: 'Wijziging: aanpassen gevraagd', revision_rejected: 'Wijziging afgewezen',
  flags_dismissed: 'Meldingen afgewezen', review_confirmed: 'Opnieuw beoordeeld: blijft staan',
  hidden: 'Verborgen na meldingen', review_due: 'Toe aan herbeoordeling',
};

/** The publication's transitions, oldest first: what, when, by whom (the author, an editor, the platform). */
export function HistoryList({ history, authorSub }: { history: HistoryEntry[]; authorSub?: string }) {
  const who = (by: string) => (by === 'system' ? 'WijkWijzer' : by === authorSub ? 'de auteur' : 'de redactie');
  return (
    <ol class="utrecht-ordered-list ww-history">
      {history.map((h, i) => (
        <li class="utrecht-ordered-list__item" key={i}>
          <strong>{ACTIONS[h.action] ?? h.action}</strong>, {formatDateTime(h.at)}, door {who(h.by)}
          {h.note && <>: “{h.note}”</>}
        </li>
      ))}
    </ol>
  );
}

/** The content as the form edits it: the published text with the pending revision's changes over it. */
function contentOf(p: Publication): PublicationContent {
  const own = { ...EMPTY_PUBLICATION };
  for (const key of Object.keys(own) as (keyof PublicationContent)[]) (own as Record<string, unknown>)[key] = p[key];
  return { ...own, ...(p.revision?.fields ?? {}) };
}

/** Only the fields that differ: a revision holds what the author changed, nothing else. */
function changedFields(from: PublicationContent, to: PublicationContent): Partial<PublicationContent> {
  const changed: Record<string, unknown> = {};
  for (const key of Object.keys(to) as (keyof PublicationContent)[]) {
    if (JSON.stringify(from[key]) !== JSON.stringify(to[key])) changed[key] = to[key];
  }
  return changed as Partial<PublicationContent>;
}

function Decision({ publication, history }: { publication: Publication; history: HistoryEntry[] }) {
  const last = [...history].reverse().find((h) => h.action === publication.status);
  const revision = publication.revision;
  if (publication.status === 'changes_requested') {
    return (
      <Alert kind="warning">
        <h2 class="utrecht-heading-2">De redactie vraagt u iets aan te passen</h2>
        {last?.note && <p class="utrecht-paragraph">“{last.note}”</p>}
        <p class="utrecht-paragraph">Pas het concept aan, sla het op en dien het opnieuw in.</p>
      </Alert>
    );
  }
  if (publication.status === 'rejected') {
    return (
      <Alert kind="error">
        <h2 class="utrecht-heading-2">De redactie heeft deze publicatie afgewezen</h2>
        {last?.note && <p class="utrecht-paragraph">“{last.note}”</p>}
      </Alert>
    );
  }
  if (publication.status === 'submitted') {
    return <Alert kind="info"><p class="utrecht-paragraph">Ingediend op {formatDateTime(last?.at)}. De redactie beoordeelt het; tot dan kunt u het niet bewerken.</p></Alert>;
  }
  if (publication.status === 'published' && revision?.status === 'pending') {
    return (
      <Alert kind="info">
        <h2 class="utrecht-heading-2">Uw wijziging wacht op de redactie</h2>
        <p class="utrecht-paragraph">
          Voorgesteld op {formatDateTime(revision.at)}: {Object.keys(revision.fields).map((f) => PUBLICATION_FIELDS[f as keyof PublicationContent] ?? f).join(', ')}.
          Tot de redactie het goedkeurt, ziet iedereen de gepubliceerde versie.
        </p>
      </Alert>
    );
  }
  if (publication.status === 'published' && revision?.status === 'changes_requested') {
    return (
      <Alert kind="warning">
        <h2 class="utrecht-heading-2">De redactie vraagt u uw wijziging aan te passen</h2>
        {revision.note && <p class="utrecht-paragraph">“{revision.note}”</p>}
        <p class="utrecht-paragraph">Pas de wijziging aan en sla haar op: dan gaat zij opnieuw naar de redactie.</p>
      </Alert>
    );
  }
  const rejectedRevision = [...history].reverse().find((h) => h.action.startsWith('revision_'));
  if (publication.status === 'published' && rejectedRevision?.action === 'revision_rejected') {
    return (
      <Alert kind="warning">
        <p class="utrecht-paragraph">De redactie heeft uw laatste wijziging afgewezen{rejectedRevision.note ? `: “${rejectedRevision.note}”` : '.'}</p>
      </Alert>
    );
  }
  return null;
}

function Withdraw({ publication, onDone }: { publication: Publication; onDone: (p: Publication) => void }) {
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  if (!open) return <Button appearance="secondary" aria-expanded="false" aria-controls="terugtrekken" onClick={() => setOpen(true)}>Terugtrekken…</Button>;
  const submit = async (event: Event) => {
    event.preventDefault();
    try {
      onDone(await api<Publication>(`/publications/${encodeURIComponent(publication.id)}/withdraw`, { method: 'POST', body: { note: note || null } }));
    } catch (failure) {
      setError(asApiError(failure));
    }
  };
  return (
    <form id="terugtrekken" class="utrecht-form ww-form" onSubmit={submit} noValidate>
      <h2 class="utrecht-heading-2">Publicatie terugtrekken</h2>
      <p class="utrecht-paragraph">De publicatie verdwijnt uit de kennisbank. Dat kunt u niet ongedaan maken.</p>
      <ErrorSummary form="terugtrekken" error={error} fields={{ note: 'Toelichting' }} />
      <TextField form="terugtrekken" name="note" label="Toelichting" value={note} onInput={setNote} error={error} multiline rows={3} />
      <button type="submit" class="utrecht-button utrecht-button--html-button utrecht-button--primary-action">Terugtrekken</button>
    </form>
  );
}

export function EditPublicationPage() {
  const { params, query } = useRoute();
  const id = params.id ?? '';
  const user = useUser();
  const loaded = useLoad(`${id}${user ? '+' : ''}`, (signal) =>
    user ? api<Publication>(`/publications/${encodeURIComponent(id)}`, { signal }) : Promise.resolve(null));
  const history = useLoad(`${id}${loaded.data?.updated_at ?? ''}`, (signal) =>
    loaded.data ? api<PublicationHistory>(`/publications/${encodeURIComponent(id)}/history`, { signal }) : Promise.resolve(null));
  const publication = loaded.data;
  const [draft, setDraft] = useState<PublicationContent>(EMPTY_PUBLICATION);
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState<string | null>(query.nieuw ? 'Uw concept is opgeslagen. Alleen u ziet het.' : null);
  const [busy, setBusy] = useState(false);
  useEffect(() => { if (publication) setDraft(contentOf(publication)); }, [publication?.version, publication?.updated_at]);
  usePageTitle(publication ? `Bewerken: ${publication.title}` : 'Publicatie bewerken');

  if (!user) return <><h1 class="utrecht-heading-1">Publicatie bewerken</h1><p class="utrecht-paragraph">Log in om uw publicatie te bewerken.</p></>;
  if (loaded.loading && !publication) return <p class="utrecht-paragraph" role="status">Publicatie laden…</p>;
  if (!publication) {
    return <><h1 class="utrecht-heading-1">Publicatie bewerken</h1><Alert kind="error"><p class="utrecht-paragraph">{explain(loaded.error)}</p></Alert></>;
  }
  const editable = ['draft', 'changes_requested', 'published'].includes(publication.status);
  const submittable = ['draft', 'changes_requested'].includes(publication.status);
  const changes = changedFields(contentOf(publication), draft);
  const dirty = Object.keys(changes).length > 0;
  const path = `/publications/${encodeURIComponent(publication.id)}`;
  // an author's edit of a published publication waits for the editors; an editor's is published at once
  const proposal = publication.status === 'published' && !isEditor(user);

  const act = async (what: () => Promise<Publication>, message: string) => {
    setBusy(true);
    try {
      const answer = await what();
      loaded.set(answer);
      setError(null);
      setSaved(message);
    } catch (failure) {
      setError(asApiError(failure));
      setSaved(null);
    } finally {
      setBusy(false);
    }
  };
  const save = () => api<Publication>(path, { method: 'PATCH', body: { ...changes, version: publication.version } });
  const onSave = (event: Event) => {
    event.preventDefault();
    if (!dirty) { setSaved('Er is niets gewijzigd.'); return; }
    void act(save, proposal
      ? 'Uw wijziging is opgeslagen en gaat naar de redactie. De gepubliceerde versie blijft staan tot zij het goedkeurt.'
      : 'Opgeslagen.');
  };
  const onSubmit = () => act(async () => {
    if (dirty) await save();
    return api<Publication>(`${path}/submit`, { method: 'POST' });
  }, 'Ingediend. De redactie beoordeelt uw publicatie; u hoort het per e-mail.');

  return (
    <>
      <p class="utrecht-paragraph"><a class="utrecht-link utrecht-link--html-a" href="/mijn/bijdragen">Mijn bijdragen</a></p>
      <h1 class="utrecht-heading-1">{publication.title}</h1>
      <dl class="utrecht-data-list utrecht-data-list--rows ww-facts">
        <div class="utrecht-data-list__item">
          <dt class="utrecht-data-list__item-key">Status</dt>
          <dd class="utrecht-data-list__item-value utrecht-data-list__item-value--html-dd">
            {STATUS[publication.status] ?? publication.status}
            {publication.revision?.status === 'pending' && ', met een wijziging die wacht op de redactie'}
          </dd>
        </div>
        <div class="utrecht-data-list__item">
          <dt class="utrecht-data-list__item-key">Laatst bewerkt</dt>
          <dd class="utrecht-data-list__item-value utrecht-data-list__item-value--html-dd">{formatDateTime(publication.updated_at)}</dd>
        </div>
      </dl>
      {publication.status === 'published' && (
        <p class="utrecht-paragraph">
          <a class="utrecht-link utrecht-link--html-a" href={`/publicaties/${encodeURIComponent(publication.slug)}`}>Bekijk de gepubliceerde versie</a>
        </p>
      )}
      <div aria-live="polite">{saved && <Alert kind="ok"><p class="utrecht-paragraph">{saved}</p></Alert>}</div>
      {history.data && <Decision publication={publication} history={history.data.history} />}

      {editable && (
        <form class="utrecht-form ww-form" onSubmit={onSave} noValidate aria-labelledby="bewerken-titel">
          <h2 id="bewerken-titel" class="utrecht-heading-2">{proposal ? 'Wijziging voorstellen' : 'Bewerken'}</h2>
          {proposal && (
            <p class="utrecht-paragraph">Deze publicatie staat in de kennisbank. Wat u hier opslaat, wordt een wijziging die de redactie eerst goedkeurt.</p>
          )}
          <ErrorSummary form="bewerken" error={error} fields={PUBLICATION_FIELDS} />
          <PublicationFields form="bewerken" value={draft} onChange={setDraft} error={error} />
          <div class="ww-actions">
            <button type="submit" class="utrecht-button utrecht-button--html-button utrecht-button--primary-action" disabled={busy}>
              {proposal ? 'Wijziging opslaan' : 'Opslaan'}
            </button>
            {submittable && <Button appearance="secondary" disabled={busy} onClick={onSubmit}>{dirty ? 'Opslaan en indienen' : 'Indienen voor beoordeling'}</Button>}
          </div>
        </form>
      )}
      {!editable && error && <ErrorSummary form="bewerken" error={error} fields={{}} />}

      <section aria-labelledby="voorbeeld-titel">
        <h2 id="voorbeeld-titel" class="utrecht-heading-2">Voorbeeld</h2>
        <p class="utrecht-paragraph">
          {publication.revision
            ? 'De gepubliceerde tekst, zoals lezers hem zien. Uw voorgestelde wijziging is pas zo te zien als de redactie haar heeft goedgekeurd.'
            : dirty ? 'De laatst opgeslagen tekst, zoals lezers hem zullen zien. Sla op om uw wijzigingen hier te zien.'
            : ['rejected', 'withdrawn'].includes(publication.status) ? 'De opgeslagen tekst.'
            : 'De opgeslagen tekst, zoals lezers hem zullen zien.'}
        </p>
        {/* the API sanitises body_html (an allow-list of tags and attributes, no scripts) */}
        <div class="utrecht-html ww-body ww-preview" dangerouslySetInnerHTML={{ __html: publication.body_html }} />
      </section>

      {publication.status === 'published' && (
        <div class="ww-flag">
          <Withdraw publication={publication} onDone={(p) => { loaded.set(p); setSaved('De publicatie is teruggetrokken.'); }} />
        </div>
      )}

      {history.data && history.data.history.length > 0 && (
        <section aria-labelledby="geschiedenis-titel">
          <h2 id="geschiedenis-titel" class="utrecht-heading-2">Geschiedenis</h2>
          <HistoryList history={history.data.history} authorSub={publication.author?.sub} />
        </section>
      )}
    </>
  );
}
