/** Form parts in NL Design System markup, with the API's field errors (problem+json
 * `errors[{field, message}]`) next to their field: aria-invalid, aria-describedby, and a summary
 * at the top of the form that links to each field. */
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api';

/** The id of a field's input: the form's prefix and the API's field name. */
export function fieldId(form: string, field: string): string {
  return `${form}-${field.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

/** The API's validation messages are English (pydantic's): the common ones in Dutch, others as sent. */
const DUTCH: [RegExp, (m: RegExpMatchArray) => string][] = [
  [/^Field required$/, () => 'Vul dit in.'],
  [/^String should have at least (\d+) characters?$/, (m) => (m[1] === '1' ? 'Vul dit in.' : `Gebruik minstens ${m[1]} tekens.`)],
  [/^String should have at most (\d+) characters?$/, (m) => `Gebruik hoogstens ${m[1]} tekens.`],
  [/^List should have at least (\d+) items?/, (m) => (m[1] === '1' ? 'Kies er minstens één.' : `Kies er minstens ${m[1]}.`)],
  [/^List should have at most (\d+) items?/, (m) => `Kies er hoogstens ${m[1]}.`],
  [/^an e-mail address, e\.g\. (.+)$/, (m) => `Vul een geldig e-mailadres in, bijvoorbeeld ${m[1]}.`],
  [/^this message is about your own business: immediate or off$/, () => 'Dit bericht gaat over uw eigen zaken: kies direct of niet.'],
  [/^this message is always sent at once/, () => 'Dit bericht komt altijd meteen; het is niet uit te zetten.'],
];

export function inDutch(message: string): string {
  for (const [pattern, say] of DUTCH) {
    const match = message.match(pattern);
    if (match) return say(match);
  }
  return message;
}

/** The API's messages for one field (and its nested ones: `location.name` belongs to `location`). */
export function errorsOf(error: ApiError | null, field: string): string[] {
  if (!error) return [];
  return error.fieldErrors.filter((e) => e.field === field || e.field.startsWith(`${field}.`)).map((e) => inDutch(e.message));
}

interface SummaryProps {
  form: string;
  error: ApiError | null;
  /** the fields this form shows, with the label that names them in the summary */
  fields: Record<string, string>;
}

/** The refusal at the top of a form, focused when it appears; each field error links to its field. */
export function ErrorSummary({ form, error, fields }: SummaryProps) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (error) ref.current?.focus();
  }, [error]);
  if (!error) return null;
  const known = error.fieldErrors.filter((e) => Object.keys(fields).some((f) => e.field === f || e.field.startsWith(`${f}.`)));
  const other = error.fieldErrors.filter((e) => !known.includes(e));
  return (
    <div ref={ref} tabIndex={-1} class="utrecht-alert utrecht-alert--error ww-error-summary" role="alert" aria-labelledby={`${form}-summary-title`}>
      <div class="utrecht-alert__content">
        <div class="utrecht-alert__message">
          <h2 id={`${form}-summary-title`} class="utrecht-heading-2">{known.length ? 'Controleer het formulier' : 'Dat lukte niet'}</h2>
          {!known.length && <p class="utrecht-paragraph">{explain(error)}</p>}
          {(known.length > 0 || other.length > 0) && (
            <ul class="utrecht-unordered-list">
              {known.map((e) => {
                const field = Object.keys(fields).find((f) => e.field === f || e.field.startsWith(`${f}.`)) as string;
                return (
                  <li class="utrecht-unordered-list__item" key={`${e.field}${e.message}`}>
                    <a class="utrecht-link utrecht-link--html-a" href={`#${fieldId(form, field)}`}
                       onClick={(event) => focusField(event, fieldId(form, field))}>
                      {fields[field]}: {inDutch(e.message)}
                    </a>
                  </li>
                );
              })}
              {other.map((e) => (
                <li class="utrecht-unordered-list__item" key={`${e.field}${e.message}`}>{e.field}: {inDutch(e.message)}</li>
              ))}
            </ul>
          )}
        </div>
      </div>
    </div>
  );
}

function focusField(event: JSX.TargetedMouseEvent<HTMLAnchorElement>, id: string): void {
  const field = document.getElementById(id);
  if (!field) return;
  event.preventDefault();
  field.focus();
  field.scrollIntoView({ block: 'center' });
}

/** What a refusal means for the reader, in Dutch (the API's own words when it has them). */
export function explain(error: unknown): string {
  if (!(error instanceof ApiError)) return 'Er ging iets mis. Probeer het opnieuw.';
  switch (error.status) {
    case 0: return error.problem.detail ?? 'WijkWijzer is niet bereikbaar.';
    case 401: return 'U moet zich eerst aanmelden.';
    case 403: return 'U mag dit niet doen.';
    case 404: return 'Dit bestaat niet (meer).';
    case 429: return 'Te veel verzoeken achter elkaar. Wacht even en probeer het opnieuw.';
    case 503: case 504: return 'WijkWijzer is even niet bereikbaar. Probeer het zo opnieuw.';
    default: return error.problem.detail || error.problem.title || 'Er ging iets mis.';
  }
}

interface FieldProps {
  form: string;
  name: string;
  label: string;
  value: string;
  onInput: (value: string) => void;
  error: ApiError | null;
  type?: 'text' | 'email' | 'search';
  multiline?: boolean;
  required?: boolean;
  description?: string;
  autocomplete?: string;
}

export function TextField(props: FieldProps) {
  const id = fieldId(props.form, props.name);
  const messages = errorsOf(props.error, props.name);
  const invalid = messages.length > 0;
  const describedBy = [props.description && `${id}-description`, invalid && `${id}-error`].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    name: props.name,
    value: props.value,
    required: props.required,
    'aria-invalid': invalid ? ('true' as const) : undefined,
    'aria-describedby': describedBy,
    onInput: (event: JSX.TargetedEvent<HTMLInputElement | HTMLTextAreaElement>) => props.onInput(event.currentTarget.value),
  };
  return (
    <div class={`utrecht-form-field utrecht-form-field--text${invalid ? ' utrecht-form-field--invalid' : ''}`}>
      <div class="utrecht-form-field__label">
        <label class="utrecht-form-label" for={id}>{props.label}{props.required ? '' : ' (niet verplicht)'}</label>
      </div>
      {props.description && <div class="utrecht-form-field-description" id={`${id}-description`}>{props.description}</div>}
      {invalid && <div class="utrecht-form-field-error-message" id={`${id}-error`}>{messages.join(' ')}</div>}
      <div class="utrecht-form-field__input">
        {props.multiline
          ? <textarea {...common} rows={6} class={`utrecht-textarea utrecht-textarea--html-textarea${invalid ? ' utrecht-textarea--invalid' : ''}`} />
          : <input {...common} type={props.type ?? 'text'} autocomplete={props.autocomplete}
                   class={`utrecht-textbox utrecht-textbox--html-input${invalid ? ' utrecht-textbox--invalid' : ''}`} />}
      </div>
    </div>
  );
}

interface CheckboxProps {
  id: string;
  name: string;
  value: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  children: ComponentChildren;
}

export function Checkbox({ id, name, value, checked, onChange, children }: CheckboxProps) {
  return (
    <div class="utrecht-form-field utrecht-form-field--checkbox">
      <div class="utrecht-form-field__label utrecht-form-field__label--checkbox">
        <label class="utrecht-form-label utrecht-form-label--checkbox" for={id}>
          <input id={id} type="checkbox" name={name} value={value} checked={checked}
                 class="utrecht-checkbox utrecht-checkbox--html-input utrecht-checkbox--custom utrecht-form-field__input"
                 onChange={(event) => onChange(event.currentTarget.checked)} />
          <span>{children}</span>
        </label>
      </div>
    </div>
  );
}

export function Button(props: JSX.ButtonHTMLAttributes<HTMLButtonElement> & { appearance?: 'primary' | 'secondary' | 'subtle' }) {
  const { appearance = 'primary', class: extra, ...rest } = props;
  return <button type="button" {...rest} class={`utrecht-button utrecht-button--html-button utrecht-button--${appearance}-action ${extra ?? ''}`} />;
}

export function Alert({ kind, children }: { kind: 'info' | 'ok' | 'warning' | 'error'; children: ComponentChildren }) {
  return (
    <div class={`utrecht-alert utrecht-alert--${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      <div class="utrecht-alert__content"><div class="utrecht-alert__message">{children}</div></div>
    </div>
  );
}

/** Any failure as an ApiError, for the form's summary (a network error or a bug says so in Dutch). */
export function asApiError(failure: unknown): ApiError {
  return failure instanceof ApiError ? failure : new ApiError({ status: 0, detail: explain(failure) });
}

/** A form's call to the API: busy while it runs, its refusal kept for the summary and the fields. */
export function useAction() {
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (action: () => Promise<void>): Promise<boolean> => {
    setBusy(true);
    try {
      await action();
      setError(null);
      return true;
    } catch (failure) {
      setError(asApiError(failure));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, run, setError };
}

export interface Option { value: string; label: string }

interface GroupProps {
  form: string;
  name: string;
  legend: string;
  options: Option[];
  error: ApiError | null;
  description?: string;
}

/** A fieldset of checkboxes (several values of one API field), its errors under the legend. */
export function CheckboxGroup(props: GroupProps & { selected: string[]; onChange: (selected: string[]) => void }) {
  const { form, name, options, selected, onChange } = props;
  return (
    <Fieldset {...props}>
      <div class="ww-checkbox-grid">
        {options.map((o) => (
          <Checkbox key={o.value} id={`${fieldId(form, name)}-${o.value}`} name={name} value={o.value} checked={selected.includes(o.value)}
                    onChange={(on) => onChange(on ? [...selected, o.value] : selected.filter((v) => v !== o.value))}>
            {o.label}
          </Checkbox>
        ))}
      </div>
    </Fieldset>
  );
}

/** A fieldset of radio buttons (one value of an API field). */
export function RadioGroup(props: GroupProps & { value: string; onChange: (value: string) => void }) {
  const { form, name, options, value, onChange } = props;
  return (
    <Fieldset {...props}>
      {options.map((o) => (
        <div class="utrecht-form-field utrecht-form-field--radio" key={o.value}>
          <label class="utrecht-form-label utrecht-form-label--radio ww-radio" for={`${fieldId(form, name)}-${o.value}`}>
            <input id={`${fieldId(form, name)}-${o.value}`} type="radio" name={`${form}-${name}`} value={o.value} checked={value === o.value}
                   class="utrecht-radio-button utrecht-radio-button--html-input utrecht-form-field__input"
                   onChange={() => onChange(o.value)} />
            <span>{o.label}</span>
          </label>
        </div>
      ))}
    </Fieldset>
  );
}

function Fieldset({ form, name, legend, error, description, children }: GroupProps & { children: ComponentChildren }) {
  const id = fieldId(form, name);
  const messages = errorsOf(error, name);
  const describedBy = [description && `${id}-description`, messages.length && `${id}-error`].filter(Boolean).join(' ') || undefined;
  return (
    <fieldset class={`utrecht-form-fieldset utrecht-form-fieldset--html-fieldset${messages.length ? ' utrecht-form-fieldset--invalid' : ''}`}
              id={id} tabIndex={-1} aria-invalid={messages.length ? 'true' : undefined} aria-describedby={describedBy}>
      <legend class="utrecht-form-fieldset__legend utrecht-form-fieldset__legend--html-legend">{legend}</legend>
      {description && <div class="utrecht-form-field-description" id={`${id}-description`}>{description}</div>}
      {messages.length > 0 && <div class="utrecht-form-field-error-message" id={`${id}-error`}>{messages.join(' ')}</div>}
      {children}
    </fieldset>
  );
}

/** A select for one API field, with its errors. */
export function SelectField(props: { form: string; name: string; label: string; value: string; options: Option[];
                                     onChange: (value: string) => void; error: ApiError | null; disabled?: boolean }) {
  const id = fieldId(props.form, props.name);
  const messages = errorsOf(props.error, props.name);
  return (
    <div class={`utrecht-form-field${messages.length ? ' utrecht-form-field--invalid' : ''}`}>
      <div class="utrecht-form-field__label"><label class="utrecht-form-label" for={id}>{props.label}</label></div>
      {messages.length > 0 && <div class="utrecht-form-field-error-message" id={`${id}-error`}>{messages.join(' ')}</div>}
      <div class="utrecht-form-field__input">
        <select id={id} class="utrecht-select utrecht-select--html-select" value={props.value} disabled={props.disabled}
                aria-invalid={messages.length ? 'true' : undefined} aria-describedby={messages.length ? `${id}-error` : undefined}
                onChange={(e) => props.onChange(e.currentTarget.value)}>
          {props.options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
        </select>
      </div>
    </div>
  );
}

/** "Vorige" and "Volgende" by the API's cursors (useCursor in load.ts keeps the ones before). */
export function Pager({ next, previous, onNext, onPrevious, label }: {
  next: string | null | undefined; previous: boolean; onNext: (cursor: string) => void; onPrevious: () => void; label: string;
}) {
  if (!next && !previous) return null;
  return (
    <nav class="ww-pagination" aria-label={label}>
      {previous && <Button appearance="secondary" onClick={onPrevious}>Vorige</Button>}
      {next && <Button appearance="secondary" class="utrecht-pagination__relative-link--next" onClick={() => onNext(next)}>Volgende</Button>}
    </nav>
  );
}
