import { defineConfig } from 'vite';
import { compression } from 'vite-plugin-compression2';

/**
 * The screens' build: `npm run build:web` writes `web/dist`, which the service serves at `/`.
 * `npm run dev:web` serves the app with reloads on :5173 and passes `/api` to a service on :3000.
 * JSX is compiled by Vite's own transformer (automatic runtime). Every script and stylesheet is also
 * written compressed (`.br`, `.gz`) once, at build, so the service sends them without compressing
 * anything per request.
 */
export default defineConfig({
  root: import.meta.dirname,
  oxc: { jsx: { runtime: 'automatic' } },
  plugins: [compression({ algorithms: ['brotliCompress', 'gzip'], include: /\.(js|css)$/, logLevel: 'silent' })],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // The budget that matters is held by test/web/first-page-budget.e2e.spec.ts (the first page's scripts under
    // 300 kB compressed, as received); this only warns, above the charting library's own chunk (about 450 kB raw).
    chunkSizeWarningLimit: 500,
    rolldownOptions: {
      // React Query marks its modules "use client" for server-rendering frameworks; a browser bundle has no use for it.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
      // The bundler reports where its time went when plugins take most of it (here, writing the compressed
      // copies); a build of a few seconds has nothing to act on.
      checks: { bundlerTimings: false },
    },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});
