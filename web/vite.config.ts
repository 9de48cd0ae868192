import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

// The platform's front door (deploy/platform.sh up) answers the API and /config.json; the dev
// server passes both through, so `npm run dev` runs the client against the local platform.
const platform = process.env.WIJKWIJZER_PLATFORM ?? 'http://127.0.0.1:8000';

export default defineConfig({
  plugins: [preact({ prerender: { enabled: false } })],
  build: {
    // hashed names under /assets/: the front door serves them as immutable
    assetsDir: 'assets',
    // no data: URIs for fonts or images: every asset is a file of its own (CSP, caching)
    assetsInlineLimit: 0,
    target: 'es2020',
    sourcemap: false,
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: {
      '/api': { target: platform, changeOrigin: false },
      '/config.json': { target: platform, changeOrigin: false },
    },
  },
});
