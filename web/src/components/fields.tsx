/** More form parts, for the pages that change things (contributing, the editors' and organisers'
 * pages, the vraagbaak's wijkwijze, follows and preferences, the admins' pages): kept out of
 * forms.tsx so the first page a visitor loads (the search) does not carry them. The same markup
 * and error handling as forms.tsx. */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError } from '../api';
import { Button, Checkbox, errorsOf, explain, fieldId } from './forms';

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

/** A select for one API field, with its errors. `empty` names the choice of none (and such a select
 * is "(niet verplicht)" unless `required`); without it one of the options is always chosen. */
export function SelectField(props: { form: string; name: string; label: string; value: string; options: Option[];
                                     onChange: (value: string) => void; error: ApiError | null; disabled?: boolean;
                                     empty?: string; required?: boolean; description?: string }) {
  const id = fieldId(props.form, props.name);
  const messages = errorsOf(props.error, props.name);
  const describedBy = [props.description && `${id}-description`, messages.length && `${id}-error`].filter(Boolean).join(' ') || undefined;
  const optional = props.empty !== undefined && !props.required;
  return (
    <div class={`utrecht-form-field${messages.length ? ' utrecht-form-field--invalid' : ''}`}>
      <div class="utrecht-form-field__label">
        <label class="utrecht-form-label" for={id}>{props.label}{optional ? ' (niet verplicht)' : ''}</label>
      </div>
      {props.description && <div class="utrecht-form-field-description" id={`${id}-description`}>{props.description}</div>}
      {messages.length > 0 && <div class="utrecht-form-field-error-message" id={`${id}-error`}>{messages.join(' ')}</div>}
      <div class="utrecht-form-field__input">
        <select id={id} name={props.name} class="utrecht-select utrecht-select--html-select" value={props.value}
                disabled={props.disabled} required={props.required}
                aria-invalid={messages.length ? 'true' : undefined} aria-describedby={describedBy}
                onChange={(e) => props.onChange(e.currentTarget.value)}>
          {props.empty !== undefined && <option value="">{props.empty}</option>}
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
