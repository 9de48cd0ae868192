/** Dates and times as a Dutch reader expects them, on the Dutch clock whatever the browser's zone. */
const ZONE = 'Europe/Amsterdam';

const dateFormat = new Intl.DateTimeFormat('nl-NL', { timeZone: ZONE, day: 'numeric', month: 'long', year: 'numeric' });
const dateTimeFormat = new Intl.DateTimeFormat('nl-NL', {
  timeZone: ZONE, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit',
});
const timeFormat = new Intl.DateTimeFormat('nl-NL', { timeZone: ZONE, hour: '2-digit', minute: '2-digit' });
const dayKey = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

export function formatDate(iso: string | null | undefined): string {
  return iso ? dateFormat.format(new Date(iso)) : '';
}

export function formatDateTime(iso: string | null | undefined): string {
  return iso ? dateTimeFormat.format(new Date(iso)) : '';
}

/** "dinsdag 3 maart 2026, 14:00 – 16:00", or with both dates when it ends on another day. */
export function formatPeriod(startIso: string, endIso: string): string {
  const start = new Date(startIso), end = new Date(endIso);
  if (dayKey.format(start) === dayKey.format(end)) return `${dateTimeFormat.format(start)} – ${timeFormat.format(end)}`;
  return `${dateTimeFormat.format(start)} – ${dateTimeFormat.format(end)}`;
}

/** An ISO 8601 day (YYYY-MM-DD) on the Dutch clock, for machine-readable <time datetime>. */
export function isoDay(iso: string): string {
  return dayKey.format(new Date(iso));
}

const wallClock = new Intl.DateTimeFormat('en-CA', {
  timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
});

/** An instant as a <input type="datetime-local"> value on the Dutch clock: "2026-03-10T14:00". */
export function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const p = Object.fromEntries(wallClock.formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

/** A <input type="datetime-local"> value, read on the Dutch clock, as RFC 3339 with its offset
 * ("2026-03-10T14:00:00+01:00"); '' stays ''. */
export function fromLocalInput(value: string): string {
  const m = value.match(/^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/);
  if (!m) return value;
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
  const offsetAt = (instant: number) => Date.parse(`${toLocalInput(new Date(instant).toISOString())}:00Z`) - instant;
  const minutes = Math.round(offsetAt(wall - offsetAt(wall)) / 60000);
  const sign = minutes < 0 ? '-' : '+';
  const hh = String(Math.floor(Math.abs(minutes) / 60)).padStart(2, '0'), mm = String(Math.abs(minutes) % 60).padStart(2, '0');
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:00${sign}${hh}:${mm}`;
}

/** A publication's status (the API's word) as its author and the editors read it. */
export const PUBLICATION_STATUS: Record<string, string> = {
  draft: 'Concept', submitted: 'Ingediend, wacht op de redactie', published: 'Gepubliceerd',
  changes_requested: 'Terug naar de auteur: aanpassen gevraagd', rejected: 'Afgewezen', withdrawn: 'Teruggetrokken',
};

/** A question's status (the API's word) as the asker and the wijkwijze read it. */
export const QUESTION_STATUS: Record<string, string> = {
  new: 'Nieuw', assigned: 'Bij een wijkwijze', answered: 'Beantwoord', closed: 'Gesloten', reopened: 'Heropend',
};

/** A deadline: one at midnight (the end of a day, as the vraagbaak's first-response deadline) as
 * 23:59 of the day before, so the reader sees the last day, not the next one. */
export function formatDeadline(iso: string): string {
  const at = new Date(iso);
  return dateTimeFormat.format(timeFormat.format(at) === '00:00' ? new Date(at.getTime() - 60_000) : at);
}
