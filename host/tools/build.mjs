// Build everything into build/: the firmware modules (release + debug) with asc, then the host
// bundles with esbuild and the .d.ts types with tsc. Run by `npm run build`.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });

mkdirSync(join(root, 'build'), { recursive: true });

// Firmware modules: entry file → output name. Flags come from asconfig.json (one page, no imports,
// MVP feature set); see TOOLCHAIN.md.
// The *-fast modules are the FAST build of the same sources (issue 12, assembly/crypto/variant.ts):
// `--use UE_KEYS_FAST=1` selects the table-driven primitives, and the release is optimised for
// speed (shrinkLevel 0) instead of size; same memory, features and exports as the small build.
const FAST_FLAGS = ['--use', 'UE_KEYS_FAST=1'];
const modules = [
  { entry: 'assembly/me/index.ts', out: 'ue' },
  { entry: 'assembly/usim/index.ts', out: 'usim' },
  { entry: 'assembly/me/vectors.ts', out: 'ue-vectors' },
  { entry: 'assembly/me/index.ts', out: 'ue-fast', fast: true },
  { entry: 'assembly/usim/index.ts', out: 'usim-fast', fast: true },
  // the conformance build's fast twin: the vector suites run against both builds (load({ variant }))
  { entry: 'assembly/me/vectors.ts', out: 'ue-vectors-fast', fast: true },
];
const only = process.argv.includes('--wasm-only');
for (const m of modules) {
  if (!existsSync(join(root, m.entry))) continue;
  const extra = m.fast ? FAST_FLAGS : [];
  run(bin('asc'), [m.entry, '--config', 'asconfig.json', '--target', 'release', ...extra, ...(m.fast ? ['--shrinkLevel', '0'] : []), '-o', `build/${m.out}.wasm`, '-t', `build/${m.out}.wat`]);
  run(bin('asc'), [m.entry, '--config', 'asconfig.json', '--target', 'debug', ...extra, '-o', `build/${m.out}.debug.wasm`]);
}
// Region notes for the ABI tables: the doc comment above each `export const X_PTR` in a
// memory-map file (the single source of truth for the README and the C header).
const notes = {};
for (const [mod, file] of [['ue', 'assembly/me/memory.ts'], ['usim', 'assembly/usim/memory.ts']]) {
  if (!existsSync(join(root, file))) continue;
  notes[mod] = {};
  const src = readFileSync(join(root, file), 'utf8');
  for (const m of src.matchAll(/\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*export const (\w+)_PTR/g)) {
    notes[mod][m[2]] = m[1].replace(/\s*\n\s*\*\s?/g, ' ').replace(/\s+/g, ' ').trim();
  }
}
writeFileSync(join(root, 'build', 'abi-notes.json'), JSON.stringify(notes, null, 1));

if (only) process.exit(0);

// C header of both modules (build/ue_keys.h), from the same source as the README ABI tables, and
// its TypeScript view host/firmware/abi.generated.ts — before tsc, which checks the wrappers against it.
run(process.execPath, [join(root, 'host', 'tools', 'gen-header.mjs'), '--quiet']);

// Host bundles. The wasm files are read at run time from the bundle's own directory.
const bundles = [
  ['host/index.ts', 'build/index.mjs'],
  ['host/cli/main.ts', 'build/cli.mjs'],
  ['host/tools/bench/main.ts', 'build/bench.mjs'],
];
for (const [src, out] of bundles) {
  if (!existsSync(join(root, src))) continue;
  const args = [src, '--bundle', '--platform=node', '--format=esm', '--target=node20', `--outfile=${out}`, '--log-level=warning'];
  if (out === 'build/cli.mjs') args.push('--banner:js=#!/usr/bin/env node');
  run(bin('esbuild'), args);
}
if (existsSync(join(root, 'host/index.ts'))) {
  run(bin('tsc'), ['-p', 'tsconfig.json', '--emitDeclarationOnly', '--declaration', '--outDir', 'build/types']);
}
