/** Form parts in NL Design System markup, with the API's field errors (problem+json
 * `errors[{field, message}]`) next to their field: aria-invalid, aria-describedby, and a summary
 * at the top of the form that links to each field. */
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
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
  [/^say what should change or why it is rejected$/, () => 'Zeg wat er anders moet, of waarom het is afgewezen.'],
  [/^ends_at must be later than starts_at$/, () => 'Het einde moet na het begin liggen.'],
  [/^the registration deadline must not be later than starts_at$/, () => 'Aanmelden moet uiterlijk bij het begin sluiten.'],
  [/^give a location \(name, address, municipality\), an online_url, or both$/, () => 'Geef een locatie (naam, adres en gemeente), een online link, of allebei.'],
  [/^String should match pattern '\^https\?/, () => 'Vul een webadres in dat begint met https://.'],
  [/^an ISO 8601 date/, () => 'Vul een datum en tijd in.'],
  [/^Input should be greater than or equal to (\d+)$/, (m) => `Vul een getal van minstens ${m[1]} in.`],
  [/^Input should be less than or equal to (\d+)$/, (m) => `Vul een getal van hoogstens ${m[1]} in.`],
  [/^Input should be a valid integer/, () => 'Vul een heel getal in.'],
  [/^an e-mail address, e\.g\. (.+)$/, (m) => `Vul een geldig e-mailadres in, bijvoorbeeld ${m[1]}.`],
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
  type?: 'text' | 'email' | 'search' | 'url' | 'number' | 'datetime-local';
  rows?: number;
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
          ? <textarea {...common} rows={props.rows ?? 6} class={`utrecht-textarea utrecht-textarea--html-textarea${invalid ? ' utrecht-textarea--invalid' : ''}`} />
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

/** A group of checkboxes (a fieldset) for a list field of the API, its errors under the legend. */
export function CheckboxGroup({ form, name, legend, options, values, onChange, error }: {
  form: string; name: string; legend: string; options: { value: string; label: string }[];
  values: string[]; onChange: (values: string[]) => void; error: ApiError | null;
}) {
  const id = fieldId(form, name);
  const messages = errorsOf(error, name);
  return (
    <fieldset class={`utrecht-form-fieldset utrecht-form-fieldset--html-fieldset${messages.length ? ' utrecht-form-fieldset--invalid' : ''}`}
              id={id} tabIndex={-1} aria-invalid={messages.length ? 'true' : undefined}
              aria-describedby={messages.length ? `${id}-error` : undefined}>
      <legend class="utrecht-form-fieldset__legend utrecht-form-fieldset__legend--html-legend">{legend}</legend>
      {messages.length > 0 && <div class="utrecht-form-field-error-message" id={`${id}-error`}>{messages.join(' ')}</div>}
      <div class="ww-checkbox-grid">
        {options.map((o) => (
          <Checkbox key={o.value} id={`${id}-${o.value}`} name={name} value={o.value} checked={values.includes(o.value)}
                    onChange={(on) => onChange(on ? [...values, o.value] : values.filter((v) => v !== o.value))}>
            {o.label}
          </Checkbox>
        ))}
      </div>
    </fieldset>
  );
}

/** A select for one field of the API, with its errors; `empty` names the choice of none. */
export function SelectField({ form, name, label, options, value, onChange, error, empty, required }: {
  form: string; name: string; label: string; options: { value: string; label: string }[];
  value: string; onChange: (value: string) => void; error: ApiError | null; empty?: string; required?: boolean;
}) {
  const id = fieldId(form, name);
  const messages = errorsOf(error, name);
  return (
    <div class={`utrecht-form-field${messages.length ? ' utrecht-form-field--invalid' : ''}`}>
      <div class="utrecht-form-field__label">
        <label class="utrecht-form-label" for={id}>{label}{required ? '' : ' (niet verplicht)'}</label>
      </div>
      {messages.length > 0 && <div class="utrecht-form-field-error-message" id={`${id}-error`}>{messages.join(' ')}</div>}
      <div class="utrecht-form-field__input">
        <select id={id} name={name} class="utrecht-select utrecht-select--html-select" value={value} required={required}
                aria-invalid={messages.length ? 'true' : undefined} aria-describedby={messages.length ? `${id}-error` : undefined}
                onChange={(e) => onChange(e.currentTarget.value)}>
          {empty !== undefined && <option value="">{empty}</option>}
          {options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
        </select>
      </div>
    </div>
  );
}

/** Any failure of a form's call as an ApiError, for ErrorSummary. */
export function asApiError(failure: unknown): ApiError {
  return failure instanceof ApiError ? failure : new ApiError({ status: 0, detail: explain(failure) });
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
