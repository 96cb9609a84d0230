import { defineConfig } from 'vite';

/**
 * The screens' build: `npm run build:web` writes `web/dist`, which the service serves at `/`.
 * `npm run dev:web` serves the app with reloads on :5173 and passes `/api` to a service on :3000.
 * JSX is compiled by Vite's own transformer (automatic runtime); no plugin is needed for a build.
 */
export default defineConfig({
  root: import.meta.dirname,
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // The budget is checked by test/web/bundle-budget.spec.ts (first page under 300 kB compressed); this only warns.
    chunkSizeWarningLimit: 400,
    rollupOptions: {
      // React Query marks its modules "use client" for server-rendering frameworks; a browser bundle has no use for it.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});
