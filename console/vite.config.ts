import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The console's build: a single-page app in console/dist (or the outDir console/build.ts gives). JSX is
 * compiled by Vite's own transform (no React plugin: there is no dev server with fast refresh to support).
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  // Always React's production build, whatever NODE_ENV the building process has (vitest sets 'test').
  mode: 'production',
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  logLevel: 'warn',
  clearScreen: false,
  oxc: { jsx: { runtime: 'automatic', development: false } },
  build: {
    // console/build.ts gives each build its own folder (console/dist/<hash>); a bare `vite build` lands here.
    outDir: 'dist/vite',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // Hashed file names: cached for a year by CloudFront and browsers; index.html and config.json never are.
    assetsDir: 'assets',
    reportCompressedSize: false,
    rolldownOptions: {
      // React Query marks its modules "use client" (for server components); a browser bundle has no use for it.
      onwarn(warning, warn) {
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
});
