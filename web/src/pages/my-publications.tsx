/** Mijn bijdragen: the signed-in member's own publications in every status (GET /me/publications),
 * the last changed first, so a draft or one the editors sent back is found again without the e-mail. */
import { useState } from 'preact/hooks';
import { api, queryOf } from '../api';
import { useUser } from '../auth';
import { Alert, explain } from '../components/forms';
import { Pager } from '../components/fields';
import { formatDateTime, PUBLICATION_STATUS } from '../format';
import { useCursor, useLoad } from '../load';
import { countLine, REVISION } from '../mine';
import { usePageTitle } from '../page';
import { wordLabel } from '../taxonomy';
import type { AuthoredPublication, Page } from '../types';

export function MyPublicationsPage() {
  const user = useUser();
  const [status, setStatus] = useState('');
  const pages = useCursor();
  const list = useLoad(`${user?.name ?? ''}|${status}|${pages.cursor ?? ''}`, (signal) => user
    ? api<Page<AuthoredPublication>>('/me/publications', { query: queryOf({ status, cursor: pages.cursor }), signal })
    : Promise.resolve(null));
  usePageTitle('Mijn bijdragen');
  if (!user) {
    return (
      <>
        <h1 class="utrecht-heading-1">Mijn bijdragen</h1>
        <p class="utrecht-paragraph">Log in om uw concepten en publicaties te zien.</p>
      </>
    );
  }
  const items = list.data?.items ?? [];
  return (
    <>
      <h1 class="utrecht-heading-1">Mijn bijdragen</h1>
      <p class="utrecht-paragraph">Wat u voor de kennisbank schreef, in elke fase, het laatst gewijzigde eerst.</p>
      <p class="utrecht-paragraph">
        <a class="utrecht-link utrecht-link--html-a" href="/bijdragen/nieuw">Nieuwe publicatie</a>
      </p>
      <div class="utrecht-form-field ww-form">
        <div class="utrecht-form-field__label"><label class="utrecht-form-label" for="bijdragen-status">Toon</label></div>
        <div class="utrecht-form-field__input">
          <select id="bijdragen-status" class="utrecht-select utrecht-select--html-select" value={status}
                  onChange={(e) => { setStatus(e.currentTarget.value); pages.reset(); }}>
            <option value="">Alles</option>
            {Object.entries(PUBLICATION_STATUS).map(([s, label]) => <option key={s} value={s}>{label}</option>)}
          </select>
        </div>
      </div>
      {list.error != null && <Alert kind="error"><p class="utrecht-paragraph">{explain(list.error)}</p></Alert>}
      {list.loading && !list.data && <p class="utrecht-paragraph" role="status">Bijdragen laden…</p>}
      {list.data && (
        <p class="utrecht-paragraph" role="status" aria-live="polite">
          {countLine(items.length, !!list.data.next_cursor, 'bijdrage', 'bijdragen')}
        </p>
      )}
      <h2 class="ww-visually-hidden">Uw bijdragen</h2>
      <ul class="ww-result-list">
        {items.map((p) => (
          <li class="ww-result" key={p.id}>
            <h3 class="utrecht-heading-3">
              {/* its own page for its author: status, the editors' decision, history, and the form while it may be edited */}
              <a class="utrecht-link utrecht-link--html-a" href={`/publicaties/${encodeURIComponent(p.id)}/bewerken`}>{p.title}</a>
            </h3>
            <p class="utrecht-paragraph">
              <strong>{PUBLICATION_STATUS[p.status] ?? p.status}</strong>
              {p.revision && <>; {REVISION[p.revision] ?? p.revision}</>}
            </p>
            <p class="utrecht-paragraph ww-meta">
              {wordLabel(p.kind)} · gewijzigd {formatDateTime(p.updated_at)}
              {p.published_at && <> · gepubliceerd {formatDateTime(p.published_at)}</>}
            </p>
          </li>
        ))}
      </ul>
      <Pager label="Pagina’s van mijn bijdragen" next={list.data?.next_cursor} previous={pages.previous}
             onNext={pages.toNext} onPrevious={pages.toPrevious} />
    </>
  );
}
