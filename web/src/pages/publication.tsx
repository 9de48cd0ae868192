/** A publication: its sanitised HTML body (the API sanitises it), its metadata, and "Melden". */
import { useState } from 'preact/hooks';
import { useRoute } from 'preact-iso';
import { api } from '../api';
import { isEditor, useUser } from '../auth';
import { useAction } from '../components/fields';
import { FollowButton } from '../components/follow';
import { Alert, ErrorSummary, TextField } from '../components/forms';
import { formatDate } from '../format';
import { useLoad } from '../load';
import { usePageTitle } from '../page';
import { NotLoaded } from './not-found';
import { focusAreaLabel, organisationLabel, topicLabel, useTaxonomy, wordLabel } from '../taxonomy';
import type { FlagReceived, Publication } from '../types';

function FlagForm({ publication }: { publication: Publication }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [done, setDone] = useState<FlagReceived | null>(null);
  const { error, busy, run } = useAction();
  if (done) {
    return <Alert kind="ok"><p class="utrecht-paragraph">Bedankt. Uw melding is ontvangen; een redacteur kijkt ernaar.</p></Alert>;
  }
  if (!open) {
    return (
      <button type="button" class="utrecht-button utrecht-button--html-button utrecht-button--secondary-action"
              aria-expanded="false" aria-controls="melden" onClick={() => setOpen(true)}>Melden</button>
    );
  }
  const submit = async (event: Event) => {
    event.preventDefault();
    await run(async () => {
      setDone(await api<FlagReceived>(`/publications/${encodeURIComponent(publication.id)}/flags`, { method: 'POST', body: { reason } }));
    });
  };
  return (
    <form id="melden" class="utrecht-form ww-form" onSubmit={submit} noValidate>
      <h2 class="utrecht-heading-2">Publicatie melden</h2>
      <p class="utrecht-paragraph">Klopt er iets niet, of hoort dit niet in de kennisbank? Laat de redactie weten waarom.</p>
      <ErrorSummary form="melden" error={error} fields={{ reason: 'Reden' }} />
      <TextField form="melden" name="reason" label="Reden" value={reason} onInput={setReason} error={error}
                 multiline required description="Minstens 3 tekens." />
      <button type="submit" class="utrecht-button utrecht-button--html-button utrecht-button--primary-action" disabled={busy}>
        Melding versturen
      </button>
    </form>
  );
}

/** Its author and editors (the API shows them its version) edit it; editors review it. */
function OwnLinks({ publication }: { publication: Publication }) {
  const user = useUser();
  if (!user || publication.version === undefined) return null;
  const id = encodeURIComponent(publication.id);
  return (
    <p class="utrecht-paragraph ww-actions">
      <a class="utrecht-link utrecht-link--html-a" href={`/publicaties/${id}/bewerken`}>Bewerken</a>
      {isEditor(user) && <a class="utrecht-link utrecht-link--html-a" href={`/redactie/${id}`}>Beoordelen</a>}
    </p>
  );
}

export function PublicationPage() {
  const { params } = useRoute();
  const slug = params.slug ?? '';
  const taxonomy = useTaxonomy();
  const { data: publication, error, loading } = useLoad(slug, (signal) =>
    api<Publication>(`/publications/${encodeURIComponent(slug)}`, { signal }));
  usePageTitle(publication?.title ?? (loading ? null : 'Publicatie'));

  if (loading && !publication) return <p class="utrecht-paragraph" role="status">Publicatie laden…</p>;
  if (!publication) {
    return <NotLoaded what="Publicatie" error={error} back="/kennisbank" backLabel="Terug naar de kennisbank" />;
  }
  const facts: [string, string][] = [
    ['Soort', wordLabel(publication.kind)],
    ['Gepubliceerd', formatDate(publication.published_at)],
    ['Auteurs', publication.authors.join(', ')],
    ['Organisatie', organisationLabel(taxonomy, publication.organisation)],
    ['Thema’s', publication.topics.map((t) => topicLabel(taxonomy, t)).join(', ')],
    ['Focusgebieden', publication.focus_areas.map((f) => focusAreaLabel(taxonomy, f)).join(', ')],
    ['Doelgroepen', publication.audiences.map(wordLabel).join(', ')],
  ];
  return (
    <article class="ww-article">
      <p class="utrecht-paragraph"><a class="utrecht-link utrecht-link--html-a" href="/kennisbank">Kennisbank</a></p>
      <h1 class="utrecht-heading-1">{publication.title}</h1>
      <OwnLinks publication={publication} />
      {publication.summary && <p class="utrecht-paragraph utrecht-paragraph--lead">{publication.summary}</p>}
      <dl class="utrecht-data-list utrecht-data-list--rows ww-facts">
        {facts.filter(([, value]) => value).map(([key, value]) => (
          <div class="utrecht-data-list__item" key={key}>
            <dt class="utrecht-data-list__item-key">{key}</dt>
            <dd class="utrecht-data-list__item-value utrecht-data-list__item-value--html-dd">{value}</dd>
          </div>
        ))}
      </dl>
      <FollowButton list="topics" ids={publication.topics}
                    what={publication.topics.length === 1 ? 'het thema ' + topicLabel(taxonomy, publication.topics[0] ?? '') : 'de thema’s van deze publicatie'} />
      {publication.due_for_review && (
        <Alert kind="warning"><p class="utrecht-paragraph">Deze publicatie wordt binnenkort opnieuw beoordeeld.</p></Alert>
      )}
      {/* the API sanitises body_html (an allow-list of tags and attributes, no scripts): render it as HTML */}
      <div class="utrecht-html ww-body" dangerouslySetInnerHTML={{ __html: publication.body_html }} />
      {publication.links.length > 0 && (
        <>
          <h2 class="utrecht-heading-2">Links</h2>
          <ul class="utrecht-unordered-list">
            {publication.links.map((link) => (
              <li class="utrecht-unordered-list__item" key={link.url}>
                <a class="utrecht-link utrecht-link--html-a" href={link.url} rel="noopener noreferrer">{link.title}</a>
              </li>
            ))}
          </ul>
        </>
      )}
      <div class="ww-flag"><FlagForm publication={publication} /></div>
    </article>
  );
}
