// `npm run fuzz`: bundle tests/differential/fuzz/main.ts next to the built modules (build/fuzz.mjs, so the
// loader finds build/*.wasm beside it) and run it with the given arguments.
import { buildSync } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const out = join(root, 'build', 'fuzz.mjs');
buildSync({ entryPoints: [join(root, 'tests', 'differential', 'fuzz', 'main.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: out, packages: 'external', logLevel: 'warning' });
await import(pathToFileURL(out).href);
