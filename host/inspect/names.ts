/**
 * Function names for the release build, which carries no name section. asc with the release flags
 * plus `--debug` emits the very same bytes followed by a "name" section (checked here: the named
 * build must start with the exact bytes of build/<module>.wasm), so its names map 1:1 onto the
 * release function indices. It is built on demand into build/profile/ (a few seconds, reused while
 * the release build is unchanged). Without asc (an installed package, not a checkout) or when the
 * bytes differ, functions are named after their export, others `f<index>`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { wasmBytes, wasmPath, type ModuleFile } from '../firmware/loader.js';
import { readNames, readWasm } from './wasm.js';

/** Entry files and extra release flags, as in host/tools/build.mjs (the fast build: the table-driven
 *  primitives, optimised for speed). */
const FAST = ['--use', 'UE_KEYS_FAST=1', '--shrinkLevel', '0'];
const ENTRIES: Record<ModuleFile, [string, string[]]> = {
  ue: ['assembly/me/index.ts', []], usim: ['assembly/usim/index.ts', []], 'ue-vectors': ['assembly/me/vectors.ts', []],
  'ue-fast': ['assembly/me/index.ts', FAST], 'usim-fast': ['assembly/usim/index.ts', FAST], 'ue-vectors-fast': ['assembly/me/vectors.ts', FAST],
};

export interface FunctionNames { names: Map<number, string>; source: 'name section of the release build rebuilt with --debug' | 'export names only' }

const startsWith = (a: Uint8Array, prefix: Uint8Array) => a.length > prefix.length && prefix.every((x, i) => a[i] === x);

export function releaseFunctionNames(module: ModuleFile): FunctionNames {
  const rel = wasmBytes(module, 'release');
  const buildDir = dirname(wasmPath(module));
  const root = dirname(buildDir);
  const out = join(buildDir, 'profile', `${module}.named.wasm`);
  let named: Uint8Array | null = existsSync(out) ? new Uint8Array(readFileSync(out)) : null;
  if (!named || !startsWith(named, rel)) {
    named = null;
    const asc = join(root, 'node_modules', '.bin', 'asc');
    const [entry, flags] = ENTRIES[module];
    if (existsSync(asc) && existsSync(join(root, entry)) && existsSync(join(root, 'asconfig.json'))) {
      try {
        mkdirSync(dirname(out), { recursive: true });
        execFileSync(asc, [entry, '--config', 'asconfig.json', '--target', 'release', ...flags, '--debug', '-o', out], { cwd: root, stdio: 'pipe' });
        const b = new Uint8Array(readFileSync(out));
        if (startsWith(b, rel)) named = b;
      } catch { /* fall back to export names */ }
    }
  }
  if (named) {
    const fns = readNames(named).functions;
    const names = new Map<number, string>();
    for (const [i, n] of fns) names.set(i, n.replace(/^assembly\//, ''));
    return { names, source: 'name section of the release build rebuilt with --debug' };
  }
  const info = readWasm(rel);
  const names = new Map<number, string>();
  for (const e of info.exports) if (e.kind === 0 && !names.has(e.index)) names.set(e.index, e.name);
  for (const b of info.bodies) if (!names.has(b.index)) names.set(b.index, `f${b.index}`);
  return { names, source: 'export names only' };
}
