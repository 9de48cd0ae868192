/** The one link of the main navigation a path belongs to (the most specific first), so only one is
 * marked current: /activiteiten/nieuw is "Activiteit plannen", not "Agenda"; an edit of a publication
 * is "Bijdragen", not "Kennisbank"; /vragen (the wijkwijze's inbox) is "Vragen", the rest of
 * /vragen/... "Vraagbaak". */
export function navSection(path: string): string | null {
  const p = path.length > 1 ? path.replace(/\/+$/, '') : path;
  if (p === '/activiteiten/nieuw') return 'plannen';
  if (p.startsWith('/bijdragen') || /^\/publicaties\/[^/]+\/bewerken$/.test(p)) return 'bijdragen';
  if (p === '/vragen') return 'vragen';
  if (p.startsWith('/vragen/')) return 'vraagbaak';
  if (p === '/' || p.startsWith('/kennisbank') || p.startsWith('/publicaties')) return 'kennisbank';
  if (p.startsWith('/agenda') || p.startsWith('/activiteiten')) return 'agenda';
  if (p.startsWith('/redactie')) return 'redactie';
  if (p.startsWith('/mijn')) return 'mijn';
  if (p.startsWith('/beheer')) return 'beheer';
  return null;
}
