// Reports the size of what the browser loads first (index.html's scripts and styles), raw and
// gzipped, and fails the build when the initial JavaScript passes the budget (250 KB gzipped).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = new URL('../dist/', import.meta.url).pathname;
const budget = 250 * 1024;
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const initial = [...html.matchAll(/(?:src|href)="\.?\/?(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]);
const all = readdirSync(join(dist, 'assets')).map((f) => `assets/${f}`);
let initialJs = 0;
for (const file of all) {
    const bytes = readFileSync(join(dist, file));
    const gz = gzipSync(bytes, { level: 9 }).length;
    const first = initial.includes(file);
    if (first && file.endsWith('.js')) initialJs += gz;
    console.log(
        `${first ? 'initial' : 'lazy   '}  ${file.padEnd(40)} ${(bytes.length / 1024).toFixed(1).padStart(7)} KB  ${(gz / 1024).toFixed(1).padStart(6)} KB gzipped`,
    );
}
console.log(`initial JavaScript: ${(initialJs / 1024).toFixed(1)} KB gzipped (budget ${budget / 1024} KB)`);
if (initialJs > budget) {
    console.error('initial JavaScript is over budget');
    process.exit(1);
}
