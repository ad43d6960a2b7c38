// Generate build/ue_keys.h (C header of both firmware modules) and host/firmware/abi.generated.ts (its
// TypeScript view, host/tools/abi-ts.ts) from host/tools/native/header.ts, i.e. from
// the same source as the README ABI tables (host/inspect/abi.ts describeModule + build/abi-notes.json).
// Run at the end of `npm run build` (host/tools/build.mjs); needs build/ue.wasm, build/usim.wasm and
// their debug builds.
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = join(root, 'build', 'native', 'header.mjs');
mkdirSync(dirname(out), { recursive: true });
await build({
  entryPoints: [join(root, 'host', 'tools', 'native', 'header.ts')], bundle: true, platform: 'node', format: 'esm',
  target: 'node20', outfile: out, logLevel: 'warning',
});
const { writeHeader, writeAbiTs } = await import(pathToFileURL(out).href);
for (const path of [writeHeader(), writeAbiTs()]) if (!process.argv.includes('--quiet')) console.log(`wrote ${path.slice(root.length + 1)}`);
