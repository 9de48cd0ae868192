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
