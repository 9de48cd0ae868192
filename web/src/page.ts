import { useEffect, useState } from 'preact/hooks';

/** The document's title for this page: "<page> | WijkWijzer". */
export function usePageTitle(title: string | null): void {
  useEffect(() => {
    document.title = title ? `${title} | WijkWijzer` : 'WijkWijzer';
  }, [title]);
}

/** A screen wide enough for columns: the breakpoint of styles.css's `@media (min-width: 48rem)`. */
export const WIDE = '(min-width: 48rem)';

/** Whether the media query matches, following changes (a window resized, a phone turned). */
export function useMediaQuery(query: string): boolean {
  const [matches, setMatches] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const list = window.matchMedia(query);
    const change = () => setMatches(list.matches);
    change();
    list.addEventListener('change', change);
    return () => list.removeEventListener('change', change);
  }, [query]);
  return matches;
}
