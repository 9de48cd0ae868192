/** What the /mijn lists say of each item: pure, so vitest checks it (mine.test.ts). */
import type { OrganisedActivity } from './types';

export const REVISION: Record<string, string> = {
  pending: 'Wijziging wacht op de redactie', changes_requested: 'Wijziging: de redactie vraagt u iets aan te passen',
};

/** "12 van 20 plaatsen bezet, 3 op de wachtlijst"; without a maximum "12 aanmeldingen". */
export function placesText(a: Pick<OrganisedActivity, 'capacity' | 'registered' | 'waitlisted'>): string {
  const taken = a.capacity == null
    ? `${a.registered} ${a.registered === 1 ? 'aanmelding' : 'aanmeldingen'} (geen maximum)`
    : `${a.registered} van ${a.capacity} ${a.capacity === 1 ? 'plaats' : 'plaatsen'} bezet`;
  return a.waitlisted ? `${taken}, ${a.waitlisted} op de wachtlijst` : taken;
}

/** The count line of a page of a list: "3 bijdragen", or with more on the next page. */
export function countLine(shown: number, more: boolean, one: string, many: string): string {
  if (shown === 0) return `Geen ${many}.`;
  const what = `${shown} ${shown === 1 ? one : many}`;
  return more ? `${what} op deze pagina; er zijn er meer.` : `${what}.`;
}
