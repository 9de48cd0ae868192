import { useEffect } from 'preact/hooks';

/** The document's title for this page: "<page> | WijkWijzer". */
export function usePageTitle(title: string | null): void {
  useEffect(() => {
    document.title = title ? `${title} | WijkWijzer` : 'WijkWijzer';
  }, [title]);
}
