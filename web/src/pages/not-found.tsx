import { Alert, explain } from '../components/forms';
import { usePageTitle } from '../page';

export function NotFound() {
  usePageTitle('Pagina niet gevonden');
  return (
    <>
      <h1 class="utrecht-heading-1">Pagina niet gevonden</h1>
      <p class="utrecht-paragraph">Deze pagina bestaat niet (meer).</p>
      <p class="utrecht-paragraph"><a class="utrecht-link utrecht-link--html-a" href="/">Naar de kennisbank</a></p>
    </>
  );
}

/** A page whose thing could not be loaded: what, why (the API's words), and the way back. */
export function NotLoaded({ what, error, back, backLabel }: { what: string; error: unknown; back: string; backLabel: string }) {
  return (
    <>
      <h1 class="utrecht-heading-1">{what} niet gevonden</h1>
      <Alert kind="error"><p class="utrecht-paragraph">{explain(error)}</p></Alert>
      <p class="utrecht-paragraph"><a class="utrecht-link utrecht-link--html-a" href={back}>{backLabel}</a></p>
    </>
  );
}
