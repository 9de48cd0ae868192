/** The provider sends the browser back here with a code (`/aanmelden/terug`): finish signing in. */
import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { completeSignIn } from '../auth';
import { Alert } from '../components/forms';
import { usePageTitle } from '../page';

export function SignInReturn() {
  const location = useLocation();
  const [failed, setFailed] = useState(false);
  usePageTitle('Inloggen');
  useEffect(() => {
    completeSignIn().then((to) => location.route(to, true), () => setFailed(true));
  }, []);
  return (
    <>
      <h1 class="utrecht-heading-1">Inloggen</h1>
      {failed
        ? <Alert kind="error"><p class="utrecht-paragraph">Inloggen is niet gelukt. Probeer het opnieuw met de knop Inloggen.</p></Alert>
        : <p class="utrecht-paragraph" role="status">Even geduld, u wordt aangemeld…</p>}
    </>
  );
}
