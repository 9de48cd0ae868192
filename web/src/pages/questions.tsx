/** Vraagbaak for wijkwijzen: their own open questions (GET /questions?assigned_to=me) and the
 * national pool (assigned_to=pool), oldest first, with the first-response deadline. */
import { api, queryOf } from '../api';
import { useUser } from '../auth';
import { Alert, explain } from '../components/forms';
import { Pager } from '../components/fields';
import { formatDateTime, formatDeadline, QUESTION_STATUS } from '../format';
import { useCursor, useLoad } from '../load';
import { usePageTitle } from '../page';
import { focusAreaLabel, topicLabel, useTaxonomy } from '../taxonomy';
import type { Page, QuestionListed } from '../types';

function Due({ question }: { question: QuestionListed }) {
  if (question.first_response_at) return <>Gereageerd op {formatDateTime(question.first_response_at)}</>;
  const late = question.escalated_at || Date.parse(question.first_response_due) < Date.now();
  return (
    <>
      <time dateTime={question.first_response_due}>{formatDeadline(question.first_response_due)}</time>
      {late && <strong class="ww-late"> (te laat)</strong>}
    </>
  );
}

function QuestionList({ which, title, empty }: { which: 'me' | 'pool'; title: string; empty: string }) {
  const taxonomy = useTaxonomy();
  const pages = useCursor();
  const list = useLoad(`${which}${pages.cursor ?? ''}`, (signal) =>
    api<Page<QuestionListed>>('/questions', { query: queryOf({ assigned_to: which, cursor: pages.cursor }), signal }));
  return (
    <section aria-labelledby={`vragen-${which}`}>
      <h2 id={`vragen-${which}`} class="utrecht-heading-2">{title}</h2>
      {list.loading && !list.data && <p class="utrecht-paragraph" role="status">Vragen laden…</p>}
      {list.error != null && <Alert kind="error"><p class="utrecht-paragraph">{explain(list.error)}</p></Alert>}
      {list.data && list.data.items.length === 0 && <p class="utrecht-paragraph">{empty}</p>}
      {list.data && list.data.items.length > 0 && (
        <table class="utrecht-table utrecht-table--html-table">
          <caption class="utrecht-table__caption ww-visually-hidden">{title}, de oudste eerst</caption>
          <thead class="utrecht-table__header">
            <tr class="utrecht-table__row">
              <th class="utrecht-table__header-cell" scope="col">Vraag</th>
              <th class="utrecht-table__header-cell" scope="col">Status</th>
              <th class="utrecht-table__header-cell" scope="col">Eerste reactie uiterlijk</th>
              <th class="utrecht-table__header-cell" scope="col">Thema’s en plaats</th>
            </tr>
          </thead>
          <tbody class="utrecht-table__body">
            {list.data.items.map((q) => (
              <tr class="utrecht-table__row" key={q.id}>
                <td class="utrecht-table__cell">
                  <a class="utrecht-link utrecht-link--html-a" href={`/vragen/${encodeURIComponent(q.id)}`}>{q.title}</a>
                  <br /><span class="ww-meta">Gesteld op {formatDateTime(q.asked_at)}</span>
                </td>
                <td class="utrecht-table__cell">{QUESTION_STATUS[q.status] ?? q.status}</td>
                <td class="utrecht-table__cell"><Due question={q} /></td>
                <td class="utrecht-table__cell">
                  {[...q.topics.map((t) => topicLabel(taxonomy, t)), q.focus_area ? focusAreaLabel(taxonomy, q.focus_area) : q.municipality]
                    .filter(Boolean).join(', ')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager label={`Pagina’s van ${title.toLowerCase()}`} next={list.data?.next_cursor} previous={pages.previous}
             onNext={pages.toNext} onPrevious={pages.toPrevious} />
    </section>
  );
}

export function QuestionsPage() {
  const user = useUser();
  usePageTitle('Vragen voor wijkwijzen');
  const allowed = user?.roles.some((r) => r === 'wijkwijze' || r === 'admin');
  return (
    <>
      <h1 class="utrecht-heading-1">Vragen voor wijkwijzen</h1>
      {!allowed ? (
        <p class="utrecht-paragraph">
          {user ? 'Deze pagina is voor wijkwijzen.' : 'Log in als wijkwijze om uw vragen te zien.'}{' '}
          <a class="utrecht-link utrecht-link--html-a" href="/vragen/nieuw">Zelf een vraag stellen</a>
        </p>
      ) : (
        <>
          <p class="utrecht-paragraph">
            Open een vraag om haar op te pakken. De eerste reactie (een bericht of het antwoord) is uiterlijk op de genoemde dag nodig.
          </p>
          <QuestionList which="me" title="Mijn vragen" empty="U hebt geen open vragen." />
          <QuestionList which="pool" title="Landelijke pool" empty="De pool is leeg." />
        </>
      )}
    </>
  );
}
