/**
 * The ABI of a firmware module, read from the module itself: the single source of truth for the
 * README tables (`ue-keys abi --markdown`) and the C header. Regions come from the exported
 * *_PTR / *_LEN globals, status codes from STATUS_* globals, export signatures from the debug
 * build's name section (parameter names as written in assembly/abi/*.ts).
 */
import { readFileSync } from 'node:fs';
import { buildPath, wasmBytes, type ModuleFile } from '../firmware/loader.js';
import { readNames, readWasm } from './wasm.js';

export interface Region { name: string; ptr: number; len: number }
export interface ExportFn { name: string; params: string[] }
export interface ModuleAbi { module: ModuleFile; regions: Region[]; statuses: Array<{ name: string; code: number }>; functions: ExportFn[]; constants: Array<{ name: string; value: number }> }

/** Export name → function index, and each function's parameter count, from the binary. */
function exportsAndArity(b: Uint8Array): { exports: Map<string, number>; arity: Map<number, number> } {
  const info = readWasm(b);
  if (info.imports !== info.importedFuncs) throw new Error('only function imports expected');
  const exports = new Map(info.exports.filter((e) => e.kind === 0).map((e) => [e.name, e.index] as const));
  const arity = new Map<number, number>();
  info.funcTypes.forEach((t, i) => arity.set(info.importedFuncs + i, info.types[t].params.length));
  return { exports, arity };
}

/** Describe a module's ABI from its release build (values) and debug build (parameter names). */
export function describeModule(name: ModuleFile): ModuleAbi {
  const rel = wasmBytes(name, 'release');
  const inst = new WebAssembly.Instance(new WebAssembly.Module(rel), {});
  const globals = Object.entries(inst.exports).filter(([, v]) => v instanceof WebAssembly.Global).map(([k, v]) => [k, Number((v as WebAssembly.Global).value)] as const);
  const value = new Map(globals);
  const regions: Region[] = globals.filter(([k]) => k.endsWith('_PTR')).map(([k, ptr]) => {
    const base = k.slice(0, -4);
    return { name: base, ptr, len: value.get(`${base}_LEN`) ?? 0 };
  }).sort((a, b) => a.ptr - b.ptr);
  const statuses = globals.filter(([k]) => k.startsWith('STATUS_')).map(([k, code]) => ({ name: k.slice(7), code })).sort((a, b) => a.code - b.code);
  const constants = globals.filter(([k]) => !k.startsWith('STATUS_') && !k.endsWith('_PTR') && !k.endsWith('_LEN')).map(([k, v]) => ({ name: k, value: v }));
  const dbg = wasmBytes(name, 'debug');
  const names = readNames(dbg);
  const { exports, arity } = exportsAndArity(dbg);
  const functions: ExportFn[] = [...exports.entries()].map(([en, idx]) => {
    const n = arity.get(idx) ?? 0, loc = names.locals.get(idx);
    return { name: en, params: Array.from({ length: n }, (_, i) => loc?.get(i) ?? `arg${i}`) };
  });
  return { module: name, regions, statuses, functions, constants };
}

/** Region notes gathered from the memory-map files at build time (build/abi-notes.json). */
export function regionNotes(module: ModuleFile): Record<string, string> {
  // the fast build's exported regions are the small build's (one memory map, issue 12)
  try { const notes = JSON.parse(readFileSync(buildPath('abi-notes.json'), 'utf8')); return notes[module] ?? notes[module.replace(/-fast$/, '')] ?? {}; } catch { return {}; }
}

/** A block of the static layout (host/inspect/layout.ts): exported regions, other static blocks
 *  and constant tables, with the end of static data. */
export interface LayoutLike { blocks: Array<{ name: string; ptr: number; len: number; kind: string }>; staticEnd: number; free: number }

/** The README tables for one module, as markdown. With `layout`, the memory table lists every
 *  static block (constant tables and unexported scratch too) and the true free space. */
export function abiMarkdown(abi: ModuleAbi, describe: Record<string, string> = {}, layout?: LayoutLike): string {
  const hex = (v: number) => '0x' + v.toString(16).padStart(4, '0');
  const out = [`| region | offset | size | what |`, `|---|---|---|---|`];
  const blocks = layout?.blocks ?? abi.regions.map((r) => ({ ...r, kind: 'region' }));
  for (const r of blocks) {
    const what = describe[r.name] ?? (r.kind === 'constant' ? 'constant table' : r.kind === 'table' ? 'constant table, computed at instantiation (start function)' : r.kind === 'static' ? 'static work area (not exported)' : '');
    out.push(`| \`${r.name}\` | ${hex(r.ptr)} | ${r.len} | ${what} |`);
  }
  const last = layout?.staticEnd ?? abi.regions.reduce((m, r) => Math.max(m, r.ptr + r.len), 0);
  out.push(`| (free) | ${hex(last)} | ${65536 - last} | unused; no heap, no linear-memory stack |`, '');
  out.push('| export | parameters (i32) |', '|---|---|');
  for (const f of abi.functions) out.push(`| \`${f.name}\` | ${f.params.join(', ') || '—'} |`);
  if (abi.statuses.length) {
    out.push('', '| status | code |', '|---|---|');
    for (const s of abi.statuses) out.push(`| \`STATUS_${s.name}\` | ${s.code} |`);
  }
  return out.join('\n');
}
