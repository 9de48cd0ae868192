import { render } from 'preact';
import '@fontsource-variable/noto-sans/index.css';
import '@utrecht/design-tokens/dist/theme.css';
import './utrecht';
import '@utrecht/component-library-css/dist/html.css';
import './styles.css';
import { configureApi } from './api';
import { accessToken, completeSilentRenew, renewedAccessToken, SILENT_PATH, startAuth } from './auth';
import { loadConfig } from './config';
import { App } from './app';

async function start(): Promise<void> {
  const root = document.getElementById('app') as HTMLElement;
  try {
    const config = await loadConfig();
    if (window.location.pathname === SILENT_PATH) {
      // the hidden frame of a silent renewal: no page, only the hand-over
      if (config.oidc) await completeSilentRenew(config.oidc);
      return;
    }
    configureApi(config.api, accessToken, renewedAccessToken);
    const signInAvailable = await startAuth(config.oidc).catch(() => false);
    render(<App signInAvailable={signInAvailable} />, root);
  } catch {
    root.innerHTML = '';
    const message = document.createElement('p');
    message.textContent = 'WijkWijzer kon niet starten. Laad de pagina opnieuw.';
    root.append(message);
  }
}

void start();
