/**
 * The static memory layout of a firmware module: every memory.data() block with its name, offset
 * and size, and the free bytes left in the page.
 *
 * The release binary only has data segments for blocks with non-zero content (constant tables);
 * zero blocks such as the USIM's WORK exist only as offsets. Tables the module computes in its start
 * function (e.g. the AES T-table, crypto/aes.ts) have no data segment either: a block that is zero
 * in the binary but not in a freshly instantiated module is reported as kind 'table'. The debug build keeps a data segment
 * for every block and a global named after each (e.g. assembly/usim/memory/WORK_PTR,
 * assembly/crypto/sha256/K), laid out in the same order with the same alignment from a different
 * base; the shift is found from the exported *_PTR regions (describeModule) and checked on every
 * one of them. If the two builds disagree, only the exported regions and the release's own data
 * segments are used.
 */
import { describeModule } from './abi.js';
import { wasmBytes, type ModuleFile } from '../firmware/loader.js';
import { readNames, readWasm } from './wasm.js';

export interface Block { name: string; ptr: number; len: number; kind: 'region' | 'static' | 'constant' | 'table' }
export interface Layout { blocks: Block[]; staticEnd: number; free: number; belowFirst: number; fromDebug: boolean }

export const PAGE = 65536;

export function staticLayout(module: ModuleFile): Layout {
  const abi = describeModule(module);
  const rel = readWasm(wasmBytes(module, 'release'));
  const dbgBytes = wasmBytes(module, 'debug');
  const dbg = readWasm(dbgBytes);
  const gnames = readNames(dbgBytes).globals;

  // debug global name → value, e.g. "assembly/usim/memory/WORK_PTR" → 1168
  const dbgGlobals = new Map<string, number>();
  dbg.globals.forEach((g, i) => { const n = gnames.get(i); if (n && g.init !== null && !g.mutable) dbgGlobals.set(n, g.init); });
  const short = (n: string) => n.slice(n.lastIndexOf('/') + 1);

  let delta: number | null = null, ok = abi.regions.length > 0;
  for (const r of abi.regions) {
    const d = [...dbgGlobals].find(([n]) => short(n) === `${r.name}_PTR`);
    if (!d) { ok = false; break; }
    const k = r.ptr - d[1];
    if (delta === null) delta = k; else if (delta !== k) { ok = false; break; }
  }

  const blocks: Block[] = [];
  const exported = new Map(abi.regions.map((r) => [r.ptr, r]));
  if (ok && delta !== null) {
    // release data segments may be trimmed of leading/trailing zeros: overlap marks a constant
    const hasData = (ptr: number, len: number) => rel.data.some((s) => s.offset < ptr + len && s.offset + s.size > ptr);
    // memory right after instantiation (the start function has run, no export has)
    const fresh = new Uint8Array((new WebAssembly.Instance(new WebAssembly.Module(wasmBytes(module, 'release')), {}).exports.memory as WebAssembly.Memory).buffer);
    const filled = (ptr: number, len: number) => fresh.subarray(ptr, ptr + len).some((b) => b !== 0);
    for (const seg of dbg.data) {
      const ptr = seg.offset + delta;
      const region = exported.get(ptr);
      if (region) { blocks.push({ name: region.name, ptr, len: region.len, kind: 'region' }); continue; }
      const names = [...dbgGlobals].filter(([n, v]) => v === seg.offset && !n.endsWith('_LEN')).map(([n]) => short(n));
      const name = (names.find((n) => n.endsWith('_PTR'))?.slice(0, -4)) ?? names[0] ?? `(data @${ptr})`;
      blocks.push({ name, ptr, len: seg.size, kind: hasData(ptr, seg.size) ? 'constant' : filled(ptr, seg.size) ? 'table' : 'static' });
    }
  } else {
    for (const r of abi.regions) blocks.push({ name: r.name, ptr: r.ptr, len: r.len, kind: 'region' });
    for (const s of rel.data) if (!blocks.some((b) => s.offset >= b.ptr && s.offset < b.ptr + b.len)) blocks.push({ name: `(data @${s.offset})`, ptr: s.offset, len: s.size, kind: 'constant' });
  }
  blocks.sort((a, b) => a.ptr - b.ptr);
  const staticEnd = Math.max(0, ...blocks.map((b) => b.ptr + b.len), ...rel.data.map((s) => s.offset + s.size));
  return { blocks, staticEnd, free: PAGE - staticEnd, belowFirst: blocks.length ? blocks[0].ptr : 0, fromDebug: ok };
}
