/**
 * The ABI of a firmware module, read from the module itself: the single source of truth for the
 * README tables (`ue-keys abi --markdown`) and the C header. Regions come from the exported
 * *_PTR / *_LEN globals, status codes from STATUS_* globals, export signatures from the debug
 * build's name section (parameter names as written in assembly/abi/*.ts).
 */
import { wasmBytes, type ModuleName } from '../firmware/loader.js';

export interface Region { name: string; ptr: number; len: number }
export interface ExportFn { name: string; params: string[] }
export interface ModuleAbi { module: ModuleName; regions: Region[]; statuses: Array<{ name: string; code: number }>; functions: ExportFn[]; constants: Array<{ name: string; value: number }> }

function reader(b: Uint8Array, start: number) {
  let p = start;
  const r = {
    get pos() { return p; },
    set pos(v: number) { p = v; },
    u8: () => b[p++],
    leb(): number { let v = 0, s = 0, x; do { x = b[p++]; v += (x & 0x7f) * 2 ** s; s += 7; } while (x & 0x80); return v; },
    name(): string { const n = r.leb(); const s = new TextDecoder().decode(b.subarray(p, p + n)); p += n; return s; },
  };
  return r;
}

/** Function and local (parameter) names from the "name" custom section, by function index. */
function nameSection(b: Uint8Array): { fn: Map<number, string>; locals: Map<number, Map<number, string>> } {
  const fn = new Map<number, string>(), locals = new Map<number, Map<number, string>>();
  const r = reader(b, 8);
  while (r.pos < b.length) {
    const id = r.u8(), size = r.leb(), end = r.pos + size;
    if (id === 0 && r.name() === 'name') {
      while (r.pos < end) {
        const sub = r.u8(), subSize = r.leb(), subEnd = r.pos + subSize;
        if (sub === 1) { for (let n = r.leb(); n > 0; n--) { const i = r.leb(); fn.set(i, r.name()); } }
        if (sub === 2) {
          for (let n = r.leb(); n > 0; n--) {
            const i = r.leb(), m = new Map<number, string>();
            for (let k = r.leb(); k > 0; k--) { const li = r.leb(); m.set(li, r.name()); }
            locals.set(i, m);
          }
        }
        r.pos = subEnd;
      }
    }
    r.pos = end;
  }
  return { fn, locals };
}

/** Export name → function index, and each function's parameter count, from the binary. */
function exportsAndArity(b: Uint8Array): { exports: Map<string, number>; arity: Map<number, number> } {
  const r = reader(b, 8);
  const types: number[] = [], funcTypes: number[] = [], exports = new Map<string, number>();
  let imported = 0;
  while (r.pos < b.length) {
    const id = r.u8(), size = r.leb(), end = r.pos + size;
    if (id === 1) for (let n = r.leb(); n > 0; n--) { r.u8(); const np = r.leb(); r.pos += np; const nr = r.leb(); r.pos += nr; types.push(np); }
    if (id === 2) for (let n = r.leb(); n > 0; n--) { r.name(); r.name(); if (r.u8() === 0) { imported++; r.leb(); } else throw new Error('only function imports expected'); }
    if (id === 3) for (let n = r.leb(); n > 0; n--) funcTypes.push(r.leb());
    if (id === 7) for (let n = r.leb(); n > 0; n--) { const nm = r.name(); const kind = r.u8(); const idx = r.leb(); if (kind === 0) exports.set(nm, idx); }
    r.pos = end;
  }
  const arity = new Map<number, number>();
  funcTypes.forEach((t, i) => arity.set(imported + i, types[t]));
  return { exports, arity };
}

/** Describe a module's ABI from its release build (values) and debug build (parameter names). */
export function describeModule(name: ModuleName): ModuleAbi {
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
  const names = nameSection(dbg);
  const { exports, arity } = exportsAndArity(dbg);
  const functions: ExportFn[] = [...exports.entries()].map(([en, idx]) => {
    const n = arity.get(idx) ?? 0, loc = names.locals.get(idx);
    return { name: en, params: Array.from({ length: n }, (_, i) => loc?.get(i) ?? `arg${i}`) };
  });
  return { module: name, regions, statuses, functions, constants };
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
