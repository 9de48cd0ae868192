/** The layout every page shares (header with navigation, main, footer) and the routes. The Dutch
 * paths are the links the platform's e-mails use: keep them. */
import { useState } from 'preact/hooks';
import { ErrorBoundary, lazy, LocationProvider, Route, Router, useLocation } from 'preact-iso';
import { isEditor, organises, signIn, signOut, useUser } from './auth';
import { SearchPage } from './pages/search';
import { NotFound } from './pages/not-found';
import { navSection } from './nav';

const PublicationPage = lazy(() => import('./pages/publication').then((m) => m.PublicationPage));
const AgendaPage = lazy(() => import('./pages/agenda').then((m) => m.AgendaPage));
const ActivityPage = lazy(() => import('./pages/activity').then((m) => m.ActivityPage));
const RegistrationPage = lazy(() => import('./pages/registration').then((m) => m.RegistrationPage));
const AskPage = lazy(() => import('./pages/ask').then((m) => m.AskPage));
const QuestionPage = lazy(() => import('./pages/question').then((m) => m.QuestionPage));
const SignInReturn = lazy(() => import('./pages/sign-in-return').then((m) => m.SignInReturn));
const NotificationsPage = lazy(() => import('./pages/notifications').then((m) => m.NotificationsPage));
// contributing, editors, organisers
const NewPublicationPage = lazy(() => import('./pages/publication-new').then((m) => m.NewPublicationPage));
const EditPublicationPage = lazy(() => import('./pages/publication-edit').then((m) => m.EditPublicationPage));
const ReviewQueuePage = lazy(() => import('./pages/review-queue').then((m) => m.ReviewQueuePage));
const ReviewPage = lazy(() => import('./pages/review').then((m) => m.ReviewPage));
const NewActivityPage = lazy(() => import('./pages/activity-new').then((m) => m.NewActivityPage));
const EditActivityPage = lazy(() => import('./pages/activity-edit').then((m) => m.EditActivityPage));
const RegistrationsPage = lazy(() => import('./pages/registrations').then((m) => m.RegistrationsPage));
const MyPublicationsPage = lazy(() => import('./pages/my-publications').then((m) => m.MyPublicationsPage));
const MyActivitiesPage = lazy(() => import('./pages/my-activities').then((m) => m.MyActivitiesPage));
// end contributing, editors, organisers
// vraagbaak for wijkwijzen, follows, admin
const QuestionsPage = lazy(() => import('./pages/questions').then((m) => m.QuestionsPage));
const FollowsPage = lazy(() => import('./pages/follows').then((m) => m.FollowsPage));
const PreferencesPage = lazy(() => import('./pages/preferences').then((m) => m.PreferencesPage));
const RosterPage = lazy(() => import('./pages/roster').then((m) => m.RosterPage));
const PartnersPage = lazy(() => import('./pages/partners').then((m) => m.PartnersPage));
const PartnerPage = lazy(() => import('./pages/partner').then((m) => m.PartnerPage));
// end: vraagbaak for wijkwijzen, follows, admin

function NavLink({ href, children, current }: { href: string; children: string; current: boolean }) {
  return (
    <li class="utrecht-nav-list__item">
      <a class="utrecht-nav-list__link utrecht-link utrecht-link--html-a" href={href} aria-current={current ? 'page' : undefined}>
        {children}
      </a>
    </li>
  );
}

function Header({ signInAvailable }: { signInAvailable: boolean }) {
  const user = useUser();
  const { path } = useLocation();
  const [signInFailed, setSignInFailed] = useState(false);
  // the provider unreachable: say so, instead of a button that does nothing
  const toProvider = (go: () => Promise<void>) => () => {
    setSignInFailed(false);
    go().catch(() => setSignInFailed(true));
  };
  const here = navSection(path);
  return (
    <header class="utrecht-page-header ww-header">
      <div class="utrecht-page-header__content ww-header__content">
        <a class="ww-brand" href="/">WijkWijzer</a>
        <nav class="utrecht-nav-bar ww-nav" aria-label="Hoofdmenu">
          <ul class="utrecht-nav-list ww-nav__list">
            <NavLink href="/kennisbank" current={here === 'kennisbank'}>Kennisbank</NavLink>
            <NavLink href="/agenda" current={here === 'agenda'}>Agenda</NavLink>
            <NavLink href="/vragen/nieuw" current={here === 'vraagbaak'}>Vraagbaak</NavLink>
            {user && <NavLink href="/mijn/meldingen" current={here === 'mijn'}>Mijn meldingen</NavLink>}
            {/* contributing, editors, organisers */}
            {user && <NavLink href="/mijn/bijdragen" current={here === 'bijdragen'}>Mijn bijdragen</NavLink>}
            {isEditor(user) && <NavLink href="/redactie" current={here === 'redactie'}>Redactie</NavLink>}
            {organises(user) && <NavLink href="/activiteiten/nieuw" current={here === 'plannen'}>Activiteit plannen</NavLink>}
            {organises(user) && <NavLink href="/mijn/activiteiten" current={here === 'activiteiten'}>Mijn activiteiten</NavLink>}
            {/* end contributing, editors, organisers */}
            {/* vraagbaak for wijkwijzen, follows, admin */}
            {user?.roles.some((r) => r === 'wijkwijze' || r === 'admin') && <NavLink href="/vragen" current={here === 'vragen'}>Vragen</NavLink>}
            {user?.roles.includes('admin') && <NavLink href="/beheer/wijkwijzen" current={here === 'beheer'}>Beheer</NavLink>}
            {/* end: vraagbaak for wijkwijzen, follows, admin */}
          </ul>
        </nav>
        {signInAvailable && (
          <div class="ww-account">
            {user ? (
              <>
                <span class="ww-account__name">{user.name}</span>
                <button type="button" class="utrecht-button utrecht-button--html-button utrecht-button--secondary-action" onClick={toProvider(signOut)}>
                  Uitloggen
                </button>
              </>
            ) : (
              <button type="button" class="utrecht-button utrecht-button--html-button utrecht-button--secondary-action" onClick={toProvider(signIn)}>
                Inloggen
              </button>
            )}
            {signInFailed && <p class="utrecht-paragraph ww-account__error" role="alert">Inloggen is nu niet mogelijk. Probeer het later opnieuw.</p>}
          </div>
        )}
      </div>
    </header>
  );
}

function Footer() {
  return (
    <footer class="utrecht-page-footer ww-footer">
      <div class="utrecht-page-footer__content">
        <p class="utrecht-paragraph">
          WijkWijzer is het landelijke kennis- en leerplatform voor leefbare en veilige wijken, van het Nationaal
          Programma Leefbaarheid en Veiligheid.
        </p>
        <p class="utrecht-paragraph">
          <a class="utrecht-link utrecht-link--html-a" href="/api/docs">De API van WijkWijzer</a>
        </p>
      </div>
    </footer>
  );
}

/** On another page (not another query of the same page: a filter keeps its focus), the main content
 * gets focus, so a keyboard or screen reader starts there. */
let shownPath = window.location.pathname;
function focusMain(): void {
  if (window.location.pathname === shownPath) return;
  shownPath = window.location.pathname;
  document.getElementById('inhoud')?.focus();
}

export function App({ signInAvailable }: { signInAvailable: boolean }) {
  return (
    // links to the API (.ics files, the docs) are the browser's to follow, not the router's
    <LocationProvider scope={/^\/(?!api\/)/}>
      <a class="utrecht-skip-link utrecht-skip-link--visible-on-focus" href="#inhoud">Naar de inhoud</a>
      <div class="utrecht-page ww-page">
        <Header signInAvailable={signInAvailable} />
        <main id="inhoud" tabIndex={-1} class="utrecht-page-content ww-main">
          <ErrorBoundary>
            <Router onRouteChange={focusMain}>
              <Route path="/" component={SearchPage} />
              <Route path="/kennisbank" component={SearchPage} />
              {/* contributing, editors, organisers (before /activiteiten/:id: the first route that matches wins) */}
              <Route path="/bijdragen/nieuw" component={NewPublicationPage} />
              <Route path="/publicaties/:id/bewerken" component={EditPublicationPage} />
              <Route path="/redactie" component={ReviewQueuePage} />
              <Route path="/redactie/:id" component={ReviewPage} />
              <Route path="/activiteiten/nieuw" component={NewActivityPage} />
              <Route path="/activiteiten/:id/bewerken" component={EditActivityPage} />
              <Route path="/activiteiten/:id/aanmeldingen" component={RegistrationsPage} />
              <Route path="/mijn/bijdragen" component={MyPublicationsPage} />
              <Route path="/mijn/activiteiten" component={MyActivitiesPage} />
              {/* end contributing, editors, organisers */}
              <Route path="/publicaties/:slug" component={PublicationPage} />
              <Route path="/agenda" component={AgendaPage} />
              <Route path="/activiteiten/:id" component={ActivityPage} />
              <Route path="/activiteiten/:id/aanmelding/:registration" component={RegistrationPage} />
              <Route path="/vragen/nieuw" component={AskPage} />
              <Route path="/vragen/:id" component={QuestionPage} />
              <Route path="/aanmelden/terug" component={SignInReturn} />
              <Route path="/mijn/meldingen" component={NotificationsPage} />
              {/* vraagbaak for wijkwijzen, follows, admin */}
              <Route path="/vragen" component={QuestionsPage} />
              <Route path="/mijn/volgen" component={FollowsPage} />
              <Route path="/mijn/voorkeuren" component={PreferencesPage} />
              <Route path="/beheer/wijkwijzen" component={RosterPage} />
              <Route path="/beheer/partners" component={PartnersPage} />
              <Route path="/beheer/partners/:id" component={PartnerPage} />
              {/* end: vraagbaak for wijkwijzen, follows, admin */}
              <Route default component={NotFound} />
            </Router>
          </ErrorBoundary>
        </main>
        <Footer />
      </div>
    </LocationProvider>
  );
}
