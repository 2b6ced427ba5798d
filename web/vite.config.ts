import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// The gateway serves dist/ at `/`; relative asset paths keep it working behind a path prefix too.
export default defineConfig({
    base: './',
    plugins: [react()],
    build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, target: 'es2022' },
    test: { environment: 'jsdom', include: ['src/**/*.test.{ts,tsx}'] },
});
