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
