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
  [/^this message is about your own business: immediate or off$/, () => 'Dit bericht gaat over uw eigen zaken: kies direct of niet.'],
  [/^give either event_id, or from and to$/, () => 'Kies één gebeurtenis, of een begin en een eind.'],
  [/^this message is always sent at once/, () => 'Dit bericht komt altijd meteen; het is niet uit te zetten.'],
  [/^(?:a text of )?(\d+) to (\d+) characters$/, (m) => `Gebruik ${m[1]} tot ${m[2]} tekens.`],
  [/^your account has no e-mail address/, () => 'Uw account heeft geen e-mailadres; vul er een in.'],
  [/^an e-mail address, so the answer can reach you$/, () => 'Vul uw e-mailadres in, zodat het antwoord u bereikt.'],
  [/^the wijkwijze's account id \(sub\) is required$/, () => 'Vul de account-id (sub) in.'],
  [/^at most (\d+) events at a time/, (m) => `Hoogstens ${m[1]} gebeurtenissen tegelijk: kies een kortere periode.`],
  [/^must not be in the past$/, () => 'Kies een datum die nog moet komen.'],
  [/^give at least one field$/, () => 'Wijzig minstens één veld.'],
  // a partner's webhook address (the notifications service checks where it leads)
  [/^(.+) resolves to an address that is not public \((.+)\)$/, (m) => `${m[1]} leidt naar een adres dat niet openbaar is (${m[2]}).`],
  [/^(.+) does not resolve/, (m) => `${m[1]} is niet te vinden: controleer de naam.`],
  [/^https is required/, () => 'Gebruik https.'],
  [/^an http\(s\) URL with a host$/, () => 'Vul een webadres in dat begint met https://.'],
  [/^no user name or password in the URL/, () => 'Zet geen gebruikersnaam of wachtwoord in het adres; de handtekening bewijst wie er stuurt.'],
  // refusals of a whole request (409) by the publications and notifications services, which speak English
  [/^nothing about this publication waits for a review$/, () => 'Hier wacht niets meer op een besluit: een andere redacteur heeft al beslist.'],
  [/^a published publication stays \(publish\) or is withdrawn/, () => 'Een gepubliceerde publicatie blijft staan of wordt teruggetrokken.'],
  [/^the publication changed since version \d+ \(it is at version (\d+)\)/, (m) => `Iemand anders heeft de publicatie intussen gewijzigd (nu versie ${m[1]}). Laad de pagina opnieuw en breng uw wijziging nog eens aan.`],
  [/^the publication changed (too often )?meanwhile/, () => 'De publicatie veranderde net. Laad de pagina opnieuw en probeer het nog eens.'],
  [/^a submitted publication waits for an editor/, () => 'Een ingediende publicatie wacht op de redactie; u kunt haar weer bewerken als die haar terugstuurt.'],
  [/^an? [a-z ]+ publication cannot be flagged$/, () => 'Deze publicatie kan niet (meer) gemeld worden.'],
  [/^an? [a-z ]+ publication cannot be /, () => 'Dat kan niet in de fase waarin deze publicatie nu is. Laad de pagina opnieuw.'],
  [/^you already flagged this publication/, () => 'U hebt deze publicatie al gemeld; een redacteur kijkt ernaar.'],
  [/^the secret was rotated at the same moment by someone else/, () => 'Iemand anders maakte tegelijk een nieuw geheim. Laad de pagina opnieuw.'],
  [/^the endpoint is switched off/, () => 'Deze partner staat uit; zet hem eerst aan.'],
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
    default: return (error.problem.detail && inDutch(error.problem.detail)) || error.problem.title || 'Er ging iets mis.';
  }
}

interface FieldProps {
  form: string;
  name: string;
  label: string;
  value: string;
  onInput: (value: string) => void;
  error: ApiError | null;
  type?: 'text' | 'email' | 'search' | 'url' | 'number' | 'date' | 'datetime-local';
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
