/** A question and its thread, for its asker (signed in, or with the link's `?token=`), its
 * wijkwijze or an admin; the asker can write in the thread. */
import { useState } from 'preact/hooks';
import { useLocation, useRoute } from 'preact-iso';
import { api, ApiError, queryOf } from '../api';
import { Alert, ErrorSummary, explain, TextField } from '../components/forms';
import { formatDate, formatDateTime } from '../format';
import { useLoad } from '../load';
import { usePageTitle } from '../page';
import { focusAreaLabel, topicLabel, useTaxonomy } from '../taxonomy';
import type { Question } from '../types';

const STATUS: Record<Question['status'], string> = {
  new: 'Nieuw', assigned: 'Bij een wijkwijze', answered: 'Beantwoord', closed: 'Gesloten', reopened: 'Heropend',
};

export function QuestionPage() {
  const { params } = useRoute();
  const { query } = useLocation();
  const id = params.id ?? '';
  const token = query.token ?? null;
  const taxonomy = useTaxonomy();
  const path = `/questions/${encodeURIComponent(id)}`;
  const question = useLoad(`${id}?${token}`, (signal) => api<Question>(path, { query: queryOf({ token }), signal }));
  const [message, setMessage] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  usePageTitle(question.data?.title ?? 'Vraag');

  if (question.loading && !question.data) return <p class="utrecht-paragraph" role="status">Vraag laden…</p>;
  const current = question.data;
  if (!current) {
    return (
      <>
        <h1 class="utrecht-heading-1">Vraag</h1>
        <Alert kind="error">
          <p class="utrecht-paragraph">
            {question.error instanceof ApiError && (question.error.status === 401 || question.error.status === 404)
              ? 'Deze vraag is niet te zien met deze link. Gebruik de link uit de e-mail, of meld u aan.'
              : explain(question.error)}
          </p>
        </Alert>
      </>
    );
  }
  const send = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    try {
      question.set(await api<Question>(`${path}/messages`, { method: 'POST', body: { body: message }, query: queryOf({ token }) }));
      setMessage('');
      setError(null);
    } catch (failure) {
      setError(failure instanceof ApiError ? failure : new ApiError({ status: 0, detail: explain(failure) }));
    } finally {
      setBusy(false);
    }
  };
  const where = current.focus_area ? focusAreaLabel(taxonomy, current.focus_area) : current.municipality;
  return (
    <article class="ww-article">
      <h1 class="utrecht-heading-1">{current.title}</h1>
      <dl class="utrecht-data-list utrecht-data-list--rows ww-facts">
        <div class="utrecht-data-list__item"><dt class="utrecht-data-list__item-key">Status</dt>
          <dd class="utrecht-data-list__item-value utrecht-data-list__item-value--html-dd">{STATUS[current.status]}</dd></div>
        <div class="utrecht-data-list__item"><dt class="utrecht-data-list__item-key">Gesteld op</dt>
          <dd class="utrecht-data-list__item-value utrecht-data-list__item-value--html-dd">{formatDateTime(current.asked_at)}</dd></div>
        {!current.answered_at && (
          <div class="utrecht-data-list__item"><dt class="utrecht-data-list__item-key">Eerste reactie uiterlijk</dt>
            <dd class="utrecht-data-list__item-value utrecht-data-list__item-value--html-dd">{formatDate(current.first_response_due)}</dd></div>
        )}
        <div class="utrecht-data-list__item"><dt class="utrecht-data-list__item-key">Thema’s</dt>
          <dd class="utrecht-data-list__item-value utrecht-data-list__item-value--html-dd">{current.topics.map((t) => topicLabel(taxonomy, t)).join(', ')}</dd></div>
        {where && (
          <div class="utrecht-data-list__item"><dt class="utrecht-data-list__item-key">Waar</dt>
            <dd class="utrecht-data-list__item-value utrecht-data-list__item-value--html-dd">{where}</dd></div>
        )}
      </dl>
      <h2 class="utrecht-heading-2">Vraag</h2>
      <div class="utrecht-html" dangerouslySetInnerHTML={{ __html: current.body_html }} />
      <h2 class="utrecht-heading-2">Gesprek</h2>
      {current.messages.length === 0 && <p class="utrecht-paragraph">Nog geen berichten.</p>}
      <ol class="ww-thread">
        {current.messages.map((m) => (
          <li key={m.id} class={`ww-message ww-message--${m.author_role}`}>
            <h3 class="utrecht-heading-3">
              {m.kind === 'answer' ? 'Antwoord' : 'Bericht'} van {m.author_role === 'wijkwijze' ? `wijkwijze ${m.author_name ?? ''}` : m.author_name ?? 'de vragensteller'}
            </h3>
            <p class="utrecht-paragraph ww-meta"><time dateTime={m.at}>{formatDateTime(m.at)}</time></p>
            {/* sanitised by the API */}
            <div class="utrecht-html" dangerouslySetInnerHTML={{ __html: m.body_html }} />
          </li>
        ))}
      </ol>
      {current.viewer_role === 'asker' && current.status !== 'closed' && (
        <form class="utrecht-form ww-form" onSubmit={send} noValidate aria-labelledby="bericht-titel">
          <h2 id="bericht-titel" class="utrecht-heading-2">Bericht aan de wijkwijze</h2>
          <ErrorSummary form="bericht" error={error} fields={{ body: 'Bericht' }} />
          <TextField form="bericht" name="body" label="Bericht" value={message} onInput={setMessage} error={error} multiline required />
          <button type="submit" class="utrecht-button utrecht-button--html-button utrecht-button--primary-action" disabled={busy}>Versturen</button>
        </form>
      )}
    </article>
  );
}
