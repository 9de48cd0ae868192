/** A question and its thread, for its asker (signed in, or with the link's `?token=`), its
 * wijkwijze, wijkwijzen while it is in the pool, or an admin. The asker and the wijkwijze write in
 * the thread; the wijkwijze answers or declines it; the asker (or an admin) closes and reopens it. */
import { useState } from 'preact/hooks';
import { useLocation, useRoute } from 'preact-iso';
import { api, ApiError, queryOf } from '../api';
import { FollowButton } from '../components/follow';
import { Alert, Button, ErrorSummary, explain, TextField } from '../components/forms';
import { useAction } from '../components/fields';
import { formatDateTime, formatDeadline, QUESTION_STATUS } from '../format';
import { useLoad } from '../load';
import { usePageTitle } from '../page';
import { focusAreaLabel, topicLabel, useTaxonomy } from '../taxonomy';
import type { Question } from '../types';

/** A form of one text field that posts to the question: a message, the answer, a reason to decline. */
function ThreadForm({ form, title, field, label, submit, description, onDone }: {
  form: string; title: string; field: 'body' | 'reason'; label: string; submit: string; description?: string;
  onDone: (text: string) => Promise<void>;
}) {
  const [text, setText] = useState('');
  const { error, busy, run } = useAction();
  const send = async (event: Event) => {
    event.preventDefault();
    if (await run(() => onDone(text))) setText('');
  };
  return (
    <form class="utrecht-form ww-form" onSubmit={send} noValidate aria-labelledby={`${form}-titel`}>
      <h2 id={`${form}-titel`} class="utrecht-heading-2">{title}</h2>
      <ErrorSummary form={form} error={error} fields={{ [field]: label }} />
      <TextField form={form} name={field} label={label} value={text} onInput={setText} error={error} multiline required description={description} />
      <button type="submit" class="utrecht-button utrecht-button--html-button utrecht-button--primary-action" disabled={busy}>{submit}</button>
    </form>
  );
}

export function QuestionPage() {
  const { params } = useRoute();
  const { query } = useLocation();
  const id = params.id ?? '';
  const token = query.token ?? null;
  const taxonomy = useTaxonomy();
  const path = `/questions/${encodeURIComponent(id)}`;
  const question = useLoad(`${id}?${token}`, (signal) => api<Question>(path, { query: queryOf({ token }), signal }));
  const [declined, setDeclined] = useState(false);
  const action = useAction();
  usePageTitle(question.data?.title ?? 'Vraag');

  if (declined) {
    return (
      <>
        <h1 class="utrecht-heading-1">Vraag teruggegeven</h1>
        <Alert kind="ok"><p class="utrecht-paragraph">De vraag gaat naar een andere wijkwijze; u ziet haar niet meer.</p></Alert>
        <p class="utrecht-paragraph"><a class="utrecht-link utrecht-link--html-a" href="/vragen">Naar mijn vragen</a></p>
      </>
    );
  }
  if (question.loading && !question.data) return <p class="utrecht-paragraph" role="status">Vraag laden…</p>;
  const current = question.data;
  if (!current) {
    return (
      <>
        <h1 class="utrecht-heading-1">Vraag</h1>
        <Alert kind="error">
          <p class="utrecht-paragraph">
            {question.error instanceof ApiError && (question.error.status === 401 || question.error.status === 404)
              ? 'Deze vraag is niet te zien met deze link. Gebruik de link uit de e-mail, of log in.'
              : explain(question.error)}
          </p>
        </Alert>
      </>
    );
  }
  const post = (route: string, body?: unknown) =>
    api<Question>(`${path}/${route}`, { method: 'POST', body, query: queryOf({ token }) }).then(question.set);
  const role = current.viewer_role;
  const wijkwijze = role === 'assignee' || role === 'pool';
  const open = current.status !== 'closed';
  const where = current.focus_area ? focusAreaLabel(taxonomy, current.focus_area) : current.municipality;
  return (
    <article class="ww-article">
      <h1 class="utrecht-heading-1">{current.title}</h1>
      <dl class="utrecht-data-list utrecht-data-list--rows ww-facts">
        <div class="utrecht-data-list__item"><dt class="utrecht-data-list__item-key">Status</dt>
          <dd class="utrecht-data-list__item-value utrecht-data-list__item-value--html-dd">{QUESTION_STATUS[current.status]}</dd></div>
        <div class="utrecht-data-list__item"><dt class="utrecht-data-list__item-key">Gesteld op</dt>
          <dd class="utrecht-data-list__item-value utrecht-data-list__item-value--html-dd">{formatDateTime(current.asked_at)}</dd></div>
        {!current.answered_at && !current.first_response_at && (
          <div class="utrecht-data-list__item"><dt class="utrecht-data-list__item-key">Eerste reactie uiterlijk</dt>
            <dd class="utrecht-data-list__item-value utrecht-data-list__item-value--html-dd">{formatDeadline(current.first_response_due)}</dd></div>
        )}
        {role !== 'asker' && current.asker?.name && (
          <div class="utrecht-data-list__item"><dt class="utrecht-data-list__item-key">Gesteld door</dt>
            <dd class="utrecht-data-list__item-value utrecht-data-list__item-value--html-dd">{current.asker.name}</dd></div>
        )}
        {role !== 'asker' && (
          <div class="utrecht-data-list__item"><dt class="utrecht-data-list__item-key">Wijkwijze</dt>
            <dd class="utrecht-data-list__item-value utrecht-data-list__item-value--html-dd">
              {current.pooled && !current.assignee ? 'Landelijke pool: nog niemand' : current.assignee?.name ?? current.assignee?.sub ?? 'Nog niemand'}
            </dd></div>
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
      {role === 'asker' && open && (
        <ThreadForm form="bericht" title="Bericht aan de wijkwijze" field="body" label="Bericht" submit="Versturen"
                    onDone={(body) => post('messages', { body })} />
      )}
      {wijkwijze && open && (
        <>
          {role === 'pool' && <Alert kind="info"><p class="utrecht-paragraph">Deze vraag staat in de landelijke pool. Wie erin schrijft of haar beantwoordt, neemt haar op zich.</p></Alert>}
          <ThreadForm form="antwoord" title="Beantwoorden" field="body" label="Antwoord" submit="Antwoord versturen"
                      description="Markdown mag. De vraag krijgt de status Beantwoord; de vragensteller krijgt een e-mail."
                      onDone={(body) => post('answer', { body })} />
          <ThreadForm form="bericht" title="Bericht aan de vragensteller" field="body" label="Bericht" submit="Bericht versturen"
                      description="Een vraag terug, of een tussenbericht; de vraag blijft open."
                      onDone={(body) => post('messages', { body })} />
          {role === 'assignee' && (
            <ThreadForm form="teruggeven" title="Vraag teruggeven" field="reason" label="Waarom geeft u de vraag terug?" submit="Vraag teruggeven"
                        description="De vraag gaat naar een andere wijkwijze, nooit meer naar u. Minstens 3 tekens."
                        onDone={(reason) => api(`${path}/decline`, { method: 'POST', body: { reason } }).then(() => setDeclined(true))} />
          )}
        </>
      )}
      {(role === 'asker' || role === 'admin') && (
        <div class="ww-actions">
          <h2 class="utrecht-heading-2">Sluiten of heropenen</h2>
          <p class="utrecht-paragraph">
            {open ? 'Is de vraag beantwoord, of niet meer nodig? Sluit haar dan. ' : ''}
            {current.status === 'answered' || !open ? 'Nog niet klaar? Heropen de vraag; zij gaat terug naar de wijkwijze.' : ''}
          </p>
          {action.error && <Alert kind="error"><p class="utrecht-paragraph">{explain(action.error)}</p></Alert>}
          {open && <Button appearance="secondary" disabled={action.busy} onClick={() => action.run(() => post('close'))}>Vraag sluiten</Button>}{' '}
          {(current.status === 'answered' || !open) && (
            <Button appearance="secondary" disabled={action.busy} onClick={() => action.run(() => post('reopen'))}>Vraag heropenen</Button>
          )}
        </div>
      )}
      {/* the asker and the assignee hear of the thread anyway (followers' mails leave them out) */}
      {(role === 'pool' || role === 'admin') && <FollowButton list="questions" ids={[current.id]} what="deze vraag" />}
    </article>
  );
}
