/** The one link of the main navigation a path belongs to (the most specific first), so only one is
 * marked current: /activiteiten/nieuw is "Activiteit plannen", not "Agenda"; an edit of a publication
 * is "Mijn bijdragen" (the member's list of theirs, /mijn/bijdragen), not "Kennisbank"; an organiser's list
 * of activities is "Mijn activiteiten", not "Mijn meldingen"; /vragen (the wijkwijze's inbox) is "Vragen", the rest of
 * /vragen/... "Vraagbaak". */
export function navSection(path: string): string | null {
  const p = path.length > 1 ? path.replace(/\/+$/, '') : path;
  if (p === '/activiteiten/nieuw') return 'plannen';
  if (p === '/mijn/activiteiten') return 'activiteiten';
  if (p.startsWith('/bijdragen') || p === '/mijn/bijdragen' || /^\/publicaties\/[^/]+\/bewerken$/.test(p)) return 'bijdragen';
  if (p === '/vragen') return 'vragen';
  if (p.startsWith('/vragen/')) return 'vraagbaak';
  if (p === '/' || p.startsWith('/kennisbank') || p.startsWith('/publicaties')) return 'kennisbank';
  if (p.startsWith('/agenda') || p.startsWith('/activiteiten')) return 'agenda';
  if (p.startsWith('/redactie')) return 'redactie';
  if (p.startsWith('/mijn')) return 'mijn';
  if (p.startsWith('/beheer')) return 'beheer';
  return null;
}
