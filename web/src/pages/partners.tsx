/** Beheer, partners: the partners' webhook endpoints (GET /partners), registering one (POST
 * /partners: the signing secret shown once), switching one off and on (PATCH {active}) and a new
 * secret (POST /partners/{id}/secret, shown once). Admins only. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, queryOf } from '../api';
import { useUser } from '../auth';
import { AdminNav } from '../components/admin-nav';
import { CheckboxGroup, Pager, useAction } from '../components/fields';
import { Alert, Button, ErrorSummary, explain, TextField } from '../components/forms';
import { formatDateTime } from '../format';
import { useCursor, useLoad } from '../load';
import { usePageTitle } from '../page';
import { focusAreaLabel, topicLabel, useTaxonomy } from '../taxonomy';
import type { Page } from '../types';

export interface Partner {
  id: string; name: string; url: string; event_types: string[]; topics: string[]; focus_areas: string[];
  active: boolean; disabled_at: string | null; disabled_reason: string | null; failing_since: string | null;
  created_at: string; secret_rotated_at: string;
}
interface WithSecret extends Partner { secret: string; previous_secret_valid_until?: string | null }

/** The public events of the catalogue (docs/asyncapi.yaml); the API has no route that lists them. */
const EVENT_TYPES: [string, string][] = [
  ['nl.wijkwijzer.publication.submitted', 'Publicatie ingediend'],
  ['nl.wijkwijzer.publication.published', 'Publicatie gepubliceerd'],
  ['nl.wijkwijzer.publication.updated', 'Publicatie gewijzigd'],
  ['nl.wijkwijzer.publication.withdrawn', 'Publicatie ingetrokken'],
  ['nl.wijkwijzer.activity.scheduled', 'Activiteit gepland'],
  ['nl.wijkwijzer.activity.updated', 'Activiteit gewijzigd'],
  ['nl.wijkwijzer.activity.cancelled', 'Activiteit geannuleerd'],
  ['nl.wijkwijzer.question.asked', 'Vraag gesteld'],
  ['nl.wijkwijzer.question.answered', 'Vraag beantwoord'],
  ['nl.wijkwijzer.question.closed', 'Vraag gesloten'],
];
const FIELDS = { name: 'Naam', url: 'Adres van het endpoint (URL)', event_types: 'Soorten gebeurtenissen', topics: 'Thema’s', focus_areas: 'Focusgebieden' };

/** A signing secret, shown this once: a warning, the secret to select, a copy button. */
function Secret({ partner, onClose }: { partner: WithSecret; onClose: () => void }) {
  const [copied, setCopied] = useState('');
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [partner.secret]);
  const copy = () => navigator.clipboard.writeText(partner.secret).then(
    () => setCopied('Gekopieerd.'), () => setCopied('Kopiëren lukte niet; selecteer het geheim en kopieer het zelf.'));
  return (
    <Alert kind="warning">
      <h2 class="utrecht-heading-2" ref={heading} tabIndex={-1}>Het geheim van {partner.name}</h2>
      <p class="utrecht-paragraph">
        <strong>Dit geheim ziet u maar één keer.</strong> Kopieer het nu en geef het de partner via een veilige weg; WijkWijzer toont het niet opnieuw.
        {partner.previous_secret_valid_until && ` Het oude geheim ondertekent nog tot ${formatDateTime(partner.previous_secret_valid_until)}.`}
      </p>
      <p class="utrecht-paragraph">
        <label class="utrecht-form-label" for="partner-geheim">Ondertekeningsgeheim</label><br />
        <input id="partner-geheim" class="utrecht-textbox utrecht-textbox--html-input ww-secret" readOnly value={partner.secret}
               onFocus={(e) => e.currentTarget.select()} />
      </p>
      <div class="ww-actions">
        <Button onClick={copy}>Geheim kopiëren</Button>
        <Button appearance="secondary" onClick={onClose}>Ik heb het geheim bewaard</Button>
      </div>
      <p class="utrecht-paragraph" role="status">{copied}</p>
    </Alert>
  );
}

function RegisterForm({ onDone }: { onDone: (partner: WithSecret) => void }) {
  const taxonomy = useTaxonomy();
  const empty = { name: '', url: '', event_types: [] as string[], topics: [] as string[], focus_areas: [] as string[] };
  const [form, setForm] = useState(empty);
  const save = useAction();
  const field = (name: keyof typeof empty) => (value: string | string[]) => setForm({ ...form, [name]: value });
  const submit = async (event: Event) => {
    event.preventDefault();
    await save.run(async () => {
      onDone(await api<WithSecret>('/partners', { method: 'POST', body: form }));
      setForm(empty);
    });
  };
  return (
    <form class="utrecht-form ww-form ww-form--wide" onSubmit={submit} noValidate aria-labelledby="partner-titel">
      <h2 id="partner-titel" class="utrecht-heading-2">Partner aanmelden</h2>
      <ErrorSummary form="partner" error={save.error} fields={FIELDS} />
      <TextField form="partner" name="name" label={FIELDS.name} value={form.name} onInput={field('name')} error={save.error} required />
      <TextField form="partner" name="url" label={FIELDS.url} type="url" value={form.url} onInput={field('url')} error={save.error} required
                 description="https. Op dit testplatform alleen adressen op deze machine, bijvoorbeeld http://127.0.0.1:8080/wijkwijzer." />
      <CheckboxGroup form="partner" name="event_types" legend={FIELDS.event_types} error={save.error} selected={form.event_types}
                     onChange={field('event_types')} description="Niets gekozen: alle." options={EVENT_TYPES.map(([value, label]) => ({ value, label }))} />
      <CheckboxGroup form="partner" name="topics" legend={FIELDS.topics} error={save.error} selected={form.topics} onChange={field('topics')}
                     description="Niets gekozen: alle." options={(taxonomy?.topics ?? []).map((t) => ({ value: t.slug, label: t.label }))} />
      <CheckboxGroup form="partner" name="focus_areas" legend={FIELDS.focus_areas} error={save.error} selected={form.focus_areas}
                     onChange={field('focus_areas')} description="Niets gekozen: alle."
                     options={(taxonomy?.focus_areas ?? []).map((f) => ({ value: f.slug, label: `${f.name} (${f.municipality})` }))} />
      <button type="submit" class="utrecht-button utrecht-button--html-button utrecht-button--primary-action" disabled={save.busy}>Partner aanmelden</button>
    </form>
  );
}

export function partnerState(p: Partner): string {
  if (!p.active) return `Uit${p.disabled_reason ? `: ${p.disabled_reason}` : ''}${p.disabled_at ? ` (sinds ${formatDateTime(p.disabled_at)})` : ''}`;
  return p.failing_since ? `Aan, maar mislukt sinds ${formatDateTime(p.failing_since)}` : 'Aan';
}

export function PartnersPage() {
  const user = useUser();
  const taxonomy = useTaxonomy();
  const pages = useCursor();
  const admin = !!user?.roles.includes('admin');
  const partners = useLoad(`${admin}${pages.cursor ?? ''}`, (signal) =>
    admin ? api<Page<Partner>>('/partners', { query: queryOf({ cursor: pages.cursor }), signal }) : Promise.resolve(null));
  const [secret, setSecret] = useState<WithSecret | null>(null);
  const change = useAction();
  usePageTitle('Beheer: partners');
  if (!admin) return <><h1 class="utrecht-heading-1">Partners</h1><p class="utrecht-paragraph">Deze pagina is voor beheerders. Log in als beheerder.</p></>;

  const path = (p: Partner) => `/partners/${encodeURIComponent(p.id)}`;
  const switchOver = (p: Partner) => change.run(async () => {
    await api<Partner>(path(p), { method: 'PATCH', body: { active: !p.active } });
    partners.reload();
  });
  const rotate = (p: Partner) => change.run(async () => {
    if (!window.confirm(`Een nieuw geheim voor ${p.name}? Het oude werkt daarna nog een tijd.`)) return;
    setSecret(await api<WithSecret>(`${path(p)}/secret`, { method: 'POST' }));
  });
  const filters = (p: Partner) => [
    p.event_types.length ? p.event_types.map((t) => EVENT_TYPES.find(([v]) => v === t)?.[1] ?? t).join(', ') : 'Alle gebeurtenissen',
    p.topics.length ? p.topics.map((t) => topicLabel(taxonomy, t)).join(', ') : 'alle thema’s',
    p.focus_areas.length ? p.focus_areas.map((f) => focusAreaLabel(taxonomy, f)).join(', ') : 'alle focusgebieden',
  ].join('; ');
  return (
    <>
      <h1 class="utrecht-heading-1">Partners</h1>
      <AdminNav current="partners" />
      <p class="utrecht-paragraph">Partners krijgen de openbare gebeurtenissen van WijkWijzer als ondertekende webhooks.</p>
      {secret && <Secret partner={secret} onClose={() => setSecret(null)} />}
      {change.error && <Alert kind="error"><p class="utrecht-paragraph">{explain(change.error)}</p></Alert>}
      {partners.error != null && <Alert kind="error"><p class="utrecht-paragraph">{explain(partners.error)}</p></Alert>}
      {partners.loading && !partners.data && <p class="utrecht-paragraph" role="status">Partners laden…</p>}
      {partners.data && partners.data.items.length === 0 && <p class="utrecht-paragraph">Nog geen partners.</p>}
      {partners.data && partners.data.items.length > 0 && (
        <table class="utrecht-table utrecht-table--html-table">
          <caption class="utrecht-table__caption">Partners, de oudste eerst</caption>
          <thead class="utrecht-table__header">
            <tr class="utrecht-table__row">
              <th class="utrecht-table__header-cell" scope="col">Partner</th>
              <th class="utrecht-table__header-cell" scope="col">Status</th>
              <th class="utrecht-table__header-cell" scope="col">Krijgt</th>
              <th class="utrecht-table__header-cell" scope="col">Acties</th>
            </tr>
          </thead>
          <tbody class="utrecht-table__body">
            {partners.data.items.map((p) => (
              <tr class="utrecht-table__row" key={p.id}>
                <td class="utrecht-table__cell">
                  <a class="utrecht-link utrecht-link--html-a" href={`/beheer/partners/${encodeURIComponent(p.id)}`}>{p.name}</a>
                  <br /><span class="ww-meta ww-secret">{p.url}</span>
                </td>
                <td class="utrecht-table__cell">{partnerState(p)}</td>
                <td class="utrecht-table__cell">{filters(p)}</td>
                <td class="utrecht-table__cell">
                  <div class="ww-actions ww-actions--tight">
                    <Button appearance="secondary" disabled={change.busy} onClick={() => switchOver(p)}>
                      {p.active ? 'Uitzetten' : 'Aanzetten'}<span class="ww-visually-hidden"> ({p.name})</span>
                    </Button>
                    <Button appearance="subtle" disabled={change.busy} onClick={() => rotate(p)}>
                      Nieuw geheim<span class="ww-visually-hidden"> ({p.name})</span>
                    </Button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager label="Pagina’s van de partners" next={partners.data?.next_cursor} previous={pages.previous} onNext={pages.toNext} onPrevious={pages.toPrevious} />
      <RegisterForm onDone={(p) => { setSecret(p); partners.reload(); window.scrollTo(0, 0); }} />
    </>
  );
}
