/** Redactie: what waits for an editor (GET /review-queue), oldest first, each with its reason. */
import { useState } from 'preact/hooks';
import { api, queryOf } from '../api';
import { isEditor, useUser } from '../auth';
import { Alert, explain } from '../components/forms';
import { Pager } from '../components/fields';
import { formatDateTime } from '../format';
import { useCursor, useLoad } from '../load';
import { usePageTitle } from '../page';
import { organisationLabel, useTaxonomy, wordLabel } from '../taxonomy';
import type { Page, PublicationListed, QueueReason } from '../types';

export const REASONS: Record<QueueReason, string> = {
  submitted: 'Ingediend', revision: 'Wijziging voorgesteld', flagged: 'Gemeld door lezers', review_due: 'Toe aan herbeoordeling',
};

export function ReviewQueuePage() {
  const user = useUser();
  const taxonomy = useTaxonomy();
  const [reason, setReason] = useState('');
  const pages = useCursor();
  const queue = useLoad(`${user?.name ?? ''}|${reason}|${pages.cursor ?? ''}`, (signal) => isEditor(user)
    ? api<Page<PublicationListed>>('/review-queue', { query: queryOf({ reason, cursor: pages.cursor }), signal })
    : Promise.resolve(null));
  usePageTitle('Redactie');
  if (!isEditor(user)) {
    return <><h1 class="utrecht-heading-1">Redactie</h1><p class="utrecht-paragraph">Deze pagina is voor redacteuren{user ? '' : '; log in'}.</p></>;
  }
  const items = queue.data?.items ?? [];
  return (
    <>
      <h1 class="utrecht-heading-1">Redactie</h1>
      <p class="utrecht-paragraph">Wat op een redacteur wacht, het oudste eerst: ingediende publicaties, voorgestelde wijzigingen, meldingen van lezers en publicaties die toe zijn aan herbeoordeling.</p>
      <div class="utrecht-form-field ww-form">
        <div class="utrecht-form-field__label"><label class="utrecht-form-label" for="redactie-reden">Toon</label></div>
        <div class="utrecht-form-field__input">
          <select id="redactie-reden" class="utrecht-select utrecht-select--html-select" value={reason}
                  onChange={(e) => { setReason(e.currentTarget.value); pages.reset(); }}>
            <option value="">Alles</option>
            {(Object.keys(REASONS) as QueueReason[]).map((r) => <option key={r} value={r}>{REASONS[r]}</option>)}
          </select>
        </div>
      </div>
      {queue.error != null && <Alert kind="error"><p class="utrecht-paragraph">{explain(queue.error)}</p></Alert>}
      {queue.loading && <p class="utrecht-paragraph" role="status">Laden…</p>}
      {queue.data && items.length === 0 && <p class="utrecht-paragraph">Er wacht niets. Mooi.</p>}
      <h2 class="ww-visually-hidden">Wachtende publicaties</h2>
      <ul class="ww-result-list">
        {items.map((p) => (
          <li class="ww-result" key={p.id}>
            <h3 class="utrecht-heading-3">
              <a class="utrecht-link utrecht-link--html-a" href={`/redactie/${encodeURIComponent(p.id)}`}>{p.title}</a>
            </h3>
            <p class="utrecht-paragraph">
              <strong>{(p.queue ?? []).map((r) => REASONS[r] ?? r).join(', ')}</strong>
              {p.open_flags ? ` (${p.open_flags} ${p.open_flags === 1 ? 'melding' : 'meldingen'})` : ''}
              {p.hidden && ', verborgen tot u beslist'}
            </p>
            <p class="utrecht-paragraph ww-meta">
              {wordLabel(p.kind)}{p.authors.length > 0 && <> · {p.authors.join(', ')}</>}
              {p.organisation && <> · {organisationLabel(taxonomy, p.organisation)}</>} · bijgewerkt {formatDateTime(p.updated_at)}
            </p>
          </li>
        ))}
      </ul>
      <Pager label="Pagina’s van de wachtrij" next={queue.data?.next_cursor} previous={pages.previous}
             onNext={pages.toNext} onPrevious={pages.toPrevious} />
    </>
  );
}
