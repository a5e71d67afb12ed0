import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';

// Tauri serves the built files from disk (frontendDist = ../ui/dist) and loads the dev server
// from devUrl = http://localhost:1420, so the port is fixed and paths are relative.
export default defineConfig({
  base: './',
  plugins: [svelte(), svelteTesting()],
  resolve: {
    alias: { $lib: fileURLToPath(new URL('./src/lib', import.meta.url)) },
  },
  clearScreen: false,
  server: { port: 1420, strictPort: true, watch: { ignored: ['**/src-tauri/**'] } },
  build: { target: 'es2022', outDir: 'dist', emptyOutDir: true, sourcemap: false },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
    setupFiles: ['./src/test/setup.ts'],
    // jsdom re-renders whole tables per keystroke; on a 2-core CI machine shared with Rust builds
    // the 5 s default timed out tests that pass in under a second on an idle one.
    testTimeout: 20_000,
  },
});
