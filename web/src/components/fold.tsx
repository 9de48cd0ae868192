/** A panel (the filters of a list) that folds away on a narrow screen, so the list it filters is not
 * a long scroll away: a native <details> whose <summary> ("Filters (2)") opens and closes it there,
 * closed at first. On a wide screen it is always open and the summary is hidden (styles.css), so
 * the panel reads as it did without the fold. */
import type { ComponentChildren } from 'preact';
import { useMediaQuery, WIDE } from '../page';

/** The summary of a fold of filters: how many are in use, none said as no number. */
export function filtersSummary(active: number): string {
  return active > 0 ? `Filters (${active})` : 'Filters';
}

export function NarrowFold({ summary, children }: { summary: string; children: ComponentChildren }) {
  const wide = useMediaQuery(WIDE);
  // `open` is set only when the width crosses the breakpoint: between, the summary opens and closes it
  return (
    <details class="ww-fold" open={wide}>
      <summary class="ww-fold__summary">{summary}</summary>
      {children}
    </details>
  );
}
