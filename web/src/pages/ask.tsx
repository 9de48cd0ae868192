/** Vraagbaak: ask a question. Related publications show while typing (debounced); anonymous askers
 * give an e-mail address and get a follow-up link with its token, shown once. */
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, queryOf } from '../api';
import { useUser } from '../auth';
import { Alert, Checkbox, ErrorSummary, errorsOf, explain, fieldId, TextField } from '../components/forms';
import { usePageTitle } from '../page';
import { useTaxonomy, wordLabel } from '../taxonomy';
import type { Question, RelatedPublication } from '../types';

const FIELDS = { title: 'Uw vraag in één zin', body: 'Toelichting', topics: 'Thema’s', focus_area: 'Focusgebied', municipality: 'Gemeente', email: 'E-mailadres' };

function useRelated(text: string): RelatedPublication[] {
  const [related, setRelated] = useState<RelatedPublication[]>([]);
  useEffect(() => {
    const q = text.trim();
    if (q.length < 4) { setRelated([]); return; }
    const abort = new AbortController();
    const timer = window.setTimeout(() => {
      api<{ items: RelatedPublication[] }>('/questions/related', { query: queryOf({ q: q.slice(0, 500) }), signal: abort.signal })
        .then((answer) => setRelated(answer.items), () => undefined);
    }, 400);
    return () => { window.clearTimeout(timer); abort.abort(); };
  }, [text]);
  return related;
}

function Asked({ question }: { question: Question }) {
  const link = `/vragen/${encodeURIComponent(question.id)}${question.token ? `?token=${encodeURIComponent(question.token)}` : ''}`;
  return (
    <Alert kind="ok">
      <h2 class="utrecht-heading-2">Uw vraag is verstuurd</h2>
      <p class="utrecht-paragraph">
        {question.pooled ? 'Een wijkwijze uit het hele land pakt uw vraag op.' : 'Een wijkwijze met kennis van uw thema en regio pakt uw vraag op.'}
      </p>
      {question.token ? (
        <>
          <p class="utrecht-paragraph">Bewaar deze link: hiermee volgt u uw vraag en het antwoord. Hij wordt maar één keer getoond.</p>
          <p class="utrecht-paragraph ww-token-link"><a class="utrecht-link utrecht-link--html-a" href={link}>{new URL(link, window.location.origin).href}</a></p>
        </>
      ) : (
        <p class="utrecht-paragraph"><a class="utrecht-link utrecht-link--html-a" href={link}>Uw vraag bekijken</a></p>
      )}
    </Alert>
  );
}

export function AskPage() {
  const user = useUser();
  const taxonomy = useTaxonomy();
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [topics, setTopics] = useState<string[]>([]);
  const [place, setPlace] = useState('');
  const [municipality, setMunicipality] = useState('');
  const [email, setEmail] = useState('');
  const [consent, setConsent] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [asked, setAsked] = useState<Question | null>(null);
  const related = useRelated(`${title} ${body}`);
  usePageTitle('Vraagbaak: stel een vraag');

  if (asked) {
    return (
      <>
        <h1 class="utrecht-heading-1">Vraagbaak</h1>
        <Asked question={asked} />
      </>
    );
  }
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    try {
      const question = {
        title, body, topics, consent_to_publish: consent,
        ...(place ? { focus_area: place } : {}),
        ...(municipality.trim() ? { municipality: municipality.trim() } : {}),
        ...(user ? {} : { email }),
      };
      setAsked(await api<Question>('/questions', { method: 'POST', body: question }));
      setError(null);
    } catch (failure) {
      setError(failure instanceof ApiError ? failure : new ApiError({ status: 0, detail: explain(failure) }));
    } finally {
      setBusy(false);
    }
  };
  const topicErrors = errorsOf(error, 'topics');
  return (
    <>
      <h1 class="utrecht-heading-1">Vraagbaak</h1>
      <p class="utrecht-paragraph">
        Stel uw vraag over wijkgericht werken. Een wijkwijze, iemand met ervaring in de praktijk, beantwoordt hem.
      </p>
      <div class="ww-columns">
        <form class="utrecht-form ww-form ww-ask" onSubmit={submit} noValidate aria-label="Vraag stellen">
          <ErrorSummary form="vraag" error={error} fields={user ? FIELDS : { ...FIELDS }} />
          <TextField form="vraag" name="title" label={FIELDS.title} value={title} onInput={setTitle} error={error} required />
          <TextField form="vraag" name="body" label={FIELDS.body} value={body} onInput={setBody} error={error} multiline required
                     description="Beschrijf de situatie. Noem geen namen of andere persoonsgegevens." />
          <fieldset class={`utrecht-form-fieldset utrecht-form-fieldset--html-fieldset${topicErrors.length ? ' utrecht-form-fieldset--invalid' : ''}`}
                    id={fieldId('vraag', 'topics')} tabIndex={-1} aria-invalid={topicErrors.length ? 'true' : undefined}
                    aria-describedby={topicErrors.length ? `${fieldId('vraag', 'topics')}-error` : undefined}>
            <legend class="utrecht-form-fieldset__legend utrecht-form-fieldset__legend--html-legend">{FIELDS.topics} (1 tot 5)</legend>
            {topicErrors.length > 0 && <div class="utrecht-form-field-error-message" id={`${fieldId('vraag', 'topics')}-error`}>{topicErrors.join(' ')}</div>}
            <div class="ww-checkbox-grid">
              {taxonomy?.topics.map((t) => (
                <Checkbox key={t.slug} id={`vraag-topic-${t.slug}`} name="topics" value={t.slug} checked={topics.includes(t.slug)}
                          onChange={(on) => setTopics((all) => (on ? [...all, t.slug] : all.filter((s) => s !== t.slug)))}>
                  {t.label}
                </Checkbox>
              ))}
            </div>
          </fieldset>
          <div class={`utrecht-form-field${errorsOf(error, 'focus_area').length ? ' utrecht-form-field--invalid' : ''}`}>
            <div class="utrecht-form-field__label">
              <label class="utrecht-form-label" for={fieldId('vraag', 'focus_area')}>{FIELDS.focus_area} (niet verplicht)</label>
            </div>
            {errorsOf(error, 'focus_area').length > 0 && (
              <div class="utrecht-form-field-error-message" id={`${fieldId('vraag', 'focus_area')}-error`}>{errorsOf(error, 'focus_area').join(' ')}</div>
            )}
            <div class="utrecht-form-field__input">
              <select id={fieldId('vraag', 'focus_area')} class="utrecht-select utrecht-select--html-select" value={place}
                      aria-invalid={errorsOf(error, 'focus_area').length ? 'true' : undefined}
                      aria-describedby={errorsOf(error, 'focus_area').length ? `${fieldId('vraag', 'focus_area')}-error` : undefined}
                      onChange={(e) => setPlace(e.currentTarget.value)}>
                <option value="">Geen focusgebied</option>
                {taxonomy?.focus_areas.map((f) => <option key={f.slug} value={f.slug}>{f.name} ({f.municipality})</option>)}
              </select>
            </div>
          </div>
          {!place && (
            <TextField form="vraag" name="municipality" label={FIELDS.municipality} value={municipality} onInput={setMunicipality}
                       error={error} description="Bijvoorbeeld Gouda, als uw vraag niet over een focusgebied gaat." />
          )}
          {user ? (
            <p class="utrecht-paragraph">U stelt de vraag als {user.name}; het antwoord komt ook per e-mail.</p>
          ) : (
            <TextField form="vraag" name="email" label={FIELDS.email} type="email" value={email} onInput={setEmail} error={error}
                       required autocomplete="email" description="Het antwoord komt per e-mail; u krijgt ook een link om uw vraag te volgen." />
          )}
          <Checkbox id={fieldId('vraag', 'consent_to_publish')} name="consent_to_publish" value="yes" checked={consent} onChange={setConsent}>
            Het antwoord mag, zonder persoonsgegevens, als vraag en antwoord in de kennisbank komen
          </Checkbox>
          <button type="submit" class="utrecht-button utrecht-button--html-button utrecht-button--primary-action" disabled={busy}>Vraag versturen</button>
        </form>
        <aside class="ww-related" aria-labelledby="gerelateerd-titel">
          <h2 id="gerelateerd-titel" class="utrecht-heading-2">Misschien staat het antwoord al in de kennisbank</h2>
          <div aria-live="polite">
            {related.length === 0
              ? <p class="utrecht-paragraph">Typ uw vraag; publicaties die erbij passen verschijnen hier.</p>
              : (
                <ul class="utrecht-unordered-list">
                  {related.map((p) => (
                    <li class="utrecht-unordered-list__item" key={p.id}>
                      <a class="utrecht-link utrecht-link--html-a" href={`/publicaties/${encodeURIComponent(p.slug)}`} target="_blank" rel="noopener">
                        {p.title}<span class="ww-visually-hidden"> (opent in een nieuw tabblad)</span>
                      </a>{' '}<span class="ww-meta">{wordLabel(p.kind)}</span>
                    </li>
                  ))}
                </ul>
              )}
          </div>
        </aside>
      </div>
    </>
  );
}
