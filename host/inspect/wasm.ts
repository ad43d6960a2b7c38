/**
 * The one reader of wasm binaries in the project (tests/abi/house-rules.test.ts keeps it so):
 * sections and their sizes, types, imports, memory limits, function bodies, exports, constant
 * globals, data segments, the "name" section (function, local and global names), and a decoder that
 * walks each body once to find its callees and its operand-stack height. Used by the profile, the ABI
 * description, the C header generator, the interpreter driver and the module-property tests.
 */

export const SECTION_NAMES: Record<number, string> = {
  0: 'custom', 1: 'type', 2: 'import', 3: 'function', 4: 'table', 5: 'memory', 6: 'global', 7: 'export',
  8: 'start', 9: 'element', 10: 'code', 11: 'data', 12: 'datacount',
};

export interface Section {
  id: number; name: string; /** bytes including id and size header */ size: number; start: number; end: number;
  /** first byte after the size header */ payload: number;
}
export interface Body { index: number; /** bytes of the body including its size prefix */ size: number; start: number; end: number; locals: number[] }
export interface WasmInfo {
  sections: Section[];
  types: Array<{ params: number[]; results: number[] }>;
  /** imports of every kind */
  imports: number;
  importedFuncs: number;
  /** type index of each imported function, in import order */
  importFuncTypes: number[];
  /** limits of the module's own memory section, in pages (null: no memory section) */
  memory: { min: number; max: number | null } | null;
  funcTypes: number[];
  exports: Array<{ name: string; kind: number; index: number }>;
  globals: Array<{ type: number; mutable: boolean; init: number | null }>;
  data: Array<{ offset: number; size: number }>;
  bodies: Body[];
}

export class Reader {
  p: number;
  constructor(readonly b: Uint8Array, start = 0) { this.p = start; }
  u8(): number { return this.b[this.p++]; }
  leb(): number { let v = 0, s = 0, x; do { x = this.b[this.p++]; v += (x & 0x7f) * 2 ** s; s += 7; } while (x & 0x80); return v; }
  sleb(): number {
    let v = 0n, s = 0n, x;
    do { x = this.b[this.p++]; v |= BigInt(x & 0x7f) << s; s += 7n; } while (x & 0x80);
    if (x & 0x40) v -= 1n << s;
    return Number(BigInt.asIntN(64, v));
  }
  skipLeb(): void { while (this.b[this.p++] & 0x80) { /* continue */ } }
  name(): string { const n = this.leb(); const s = new TextDecoder().decode(this.b.subarray(this.p, this.p + n)); this.p += n; return s; }
}

/** Value type byte → bytes (i32/f32 4, i64/f64 8). */
export const typeBytes = (t: number) => (t === 0x7e || t === 0x7c ? 8 : 4);

export function readWasm(b: Uint8Array): WasmInfo {
  const r = new Reader(b, 8);
  const info: WasmInfo = { sections: [], types: [], imports: 0, importedFuncs: 0, importFuncTypes: [], memory: null, funcTypes: [], exports: [], globals: [], data: [], bodies: [] };
  while (r.p < b.length) {
    const start = r.p;
    const id = r.u8(), size = r.leb(), payload = r.p, end = r.p + size;
    let name = SECTION_NAMES[id] ?? `id${id}`;
    if (id === 0) { const nr = new Reader(b, payload); name = `custom "${nr.name()}"`; }
    info.sections.push({ id, name, size: end - start, start, end, payload });
    if (id === 1) {
      for (let n = r.leb(); n > 0; n--) {
        r.u8();
        const np = r.leb(); const params = [...b.subarray(r.p, r.p + np)]; r.p += np;
        const nr = r.leb(); const results = [...b.subarray(r.p, r.p + nr)]; r.p += nr;
        info.types.push({ params, results });
      }
    } else if (id === 2) {
      for (let n = r.leb(); n > 0; n--) {
        r.name(); r.name(); const kind = r.u8();
        info.imports++;
        if (kind === 0) { info.importedFuncs++; info.importFuncTypes.push(r.leb()); } else if (kind === 1) { r.u8(); const f = r.u8(); r.leb(); if (f & 1) r.leb(); } else if (kind === 2) { const f = r.u8(); r.leb(); if (f & 1) r.leb(); } else { r.u8(); r.u8(); }
      }
    } else if (id === 3) {
      for (let n = r.leb(); n > 0; n--) info.funcTypes.push(r.leb());
    } else if (id === 5) {
      if (r.leb() > 0) { const flags = r.leb(); const min = r.leb(); info.memory = { min, max: flags & 1 ? r.leb() : null }; }
    } else if (id === 6) {
      for (let n = r.leb(); n > 0; n--) {
        const type = r.u8(), mutable = r.u8() === 1;
        const op = r.u8();
        let init: number | null = null;
        if (op === 0x41 || op === 0x42) init = r.sleb(); else if (op === 0x43) r.p += 4; else if (op === 0x44) r.p += 8; else r.leb();
        r.u8(); // end
        info.globals.push({ type, mutable, init });
      }
    } else if (id === 7) {
      for (let n = r.leb(); n > 0; n--) { const nm = r.name(); const kind = r.u8(); info.exports.push({ name: nm, kind, index: r.leb() }); }
    } else if (id === 10) {
      const n = r.leb();
      for (let i = 0; i < n; i++) {
        const bstart = r.p; const bsize = r.leb(); const bend = r.p + bsize;
        const locals: number[] = [];
        for (let k = r.leb(); k > 0; k--) { const cnt = r.leb(); const t = r.u8(); for (let j = 0; j < cnt; j++) locals.push(t); }
        info.bodies.push({ index: info.importedFuncs + i, size: bend - bstart, start: r.p, end: bend, locals });
        r.p = bend;
      }
    } else if (id === 11) {
      for (let n = r.leb(); n > 0; n--) {
        const flags = r.leb();
        if (flags === 2) r.leb();
        let offset = 0;
        if (flags !== 1) { const op = r.u8(); offset = op === 0x41 ? r.sleb() : (r.leb(), 0); r.u8(); }
        const size = r.leb(); r.p += size;
        info.data.push({ offset, size });
      }
    }
    r.p = end;
  }
  return info;
}

export interface Names {
  functions: Map<number, string>;
  /** function index → local index → name (parameters first) */
  locals: Map<number, Map<number, string>>;
  globals: Map<number, string>;
}

/** Function, local and global names from the "name" section (empty maps when there is none). */
export function readNames(b: Uint8Array): Names {
  const functions = new Map<number, string>(), globals = new Map<number, string>(), locals = new Map<number, Map<number, string>>();
  const info = readWasm(b);
  for (const s of info.sections) {
    if (s.name !== 'custom "name"') continue;
    const r = new Reader(b, s.payload); r.name();
    while (r.p < s.end) {
      const sub = r.u8(), size = r.leb(), end = r.p + size;
      const map = sub === 1 ? functions : sub === 7 ? globals : null;
      if (map) for (let n = r.leb(); n > 0; n--) { const i = r.leb(); map.set(i, r.name()); }
      if (sub === 2) {
        for (let n = r.leb(); n > 0; n--) {
          const f = r.leb(), m = new Map<number, string>();
          for (let k = r.leb(); k > 0; k--) { const li = r.leb(); m.set(li, r.name()); }
          locals.set(f, m);
        }
      }
      r.p = end;
    }
  }
  return { functions, locals, globals };
}

/** Signature of every exported function, by export name. */
export function exportSignatures(info: WasmInfo): Map<string, { params: number[]; results: number[] }> {
  const out = new Map<string, { params: number[]; results: number[] }>();
  for (const e of info.exports) if (e.kind === 0) out.set(e.name, funcType(info, e.index));
  return out;
}

/** The type of function `f` (imported or defined). */
export function funcType(info: WasmInfo, f: number): { params: number[]; results: number[] } {
  return info.types[f < info.importedFuncs ? info.importFuncTypes[f] : info.funcTypes[f - info.importedFuncs]];
}

/** A vector section's entry count and where its first entry starts. */
export function vectorHeader(b: Uint8Array, s: Section): { count: number; first: number } {
  const r = new Reader(b, s.payload);
  const count = r.leb();
  return { count, first: r.p };
}

/** Operand stack effect of a numeric opcode 0x45..0xc4: [pops, pushes]. */
function numericEffect(op: number): [number, number] {
  if (op === 0x45 || op === 0x50) return [1, 1];                         // eqz
  if ((op >= 0x46 && op <= 0x4f) || (op >= 0x51 && op <= 0x66)) return [2, 1]; // comparisons
  if ((op >= 0x67 && op <= 0x69) || (op >= 0x79 && op <= 0x7b)) return [1, 1]; // clz ctz popcnt
  if ((op >= 0x6a && op <= 0x78) || (op >= 0x7c && op <= 0x8a)) return [2, 1]; // integer binops
  if ((op >= 0x8b && op <= 0x91) || (op >= 0x99 && op <= 0x9f)) return [1, 1]; // float unops
  if ((op >= 0x92 && op <= 0x98) || (op >= 0xa0 && op <= 0xa6)) return [2, 1]; // float binops
  if (op >= 0xa7 && op <= 0xc4) return [1, 1];                            // conversions, sign-ext
  throw new Error(`opcode 0x${op.toString(16)} not handled`);
}

export interface BodyFacts {
  maxStack: number; callees: Set<number>; instructions: number;
  /** The walk's own consistency check: the body's final `end` closed every block, came last, and
   *  left exactly the function's results on the operand stack (or followed an unconditional
   *  branch, where the validator's stack is polymorphic). False means the stack model is wrong. */
  balanced: boolean;
}

/**
 * One pass over a function body: the largest operand-stack height it can reach (in values; code
 * after an unconditional branch is counted from its block's base, as the validator does), the
 * functions it calls directly, and its static instruction count.
 */
export function analyseBody(b: Uint8Array, body: Body, info: WasmInfo): BodyFacts {
  const r = new Reader(b, body.start);
  const ctrl: Array<{ base: number; results: number; isIf: boolean; dead: boolean }> = [];
  let h = 0, max = 0, instructions = 0;
  let dead = false, balanced = false; // dead: after an unconditional branch in the current block
  const callees = new Set<number>();
  const blockResults = () => { const t = r.u8(); if (t === 0x40) return 0; if (t >= 0x7c && t <= 0x7f) return 1; r.p--; const idx = r.sleb(); return info.types[idx]?.results.length ?? 0; };
  const pop = (n: number) => { const base = ctrl.length ? ctrl[ctrl.length - 1].base : 0; h = Math.max(base, h - n); };
  const push = (n: number) => { h += n; if (h > max) max = h; };
  const unreachable = () => { h = ctrl.length ? ctrl[ctrl.length - 1].base : 0; dead = true; };
  const fnResults = funcType(info, body.index).results.length;
  while (r.p < body.end) {
    const op = r.u8();
    instructions++;
    switch (op) {
      case 0x00: unreachable(); break;
      case 0x01: break;
      case 0x02: case 0x03: { const res = blockResults(); ctrl.push({ base: h, results: res, isIf: false, dead }); dead = false; break; }
      case 0x04: { pop(1); const res = blockResults(); ctrl.push({ base: h, results: res, isIf: true, dead }); dead = false; break; }
      case 0x05: { const c = ctrl[ctrl.length - 1]; h = c.base; dead = false; break; }
      case 0x0b: {
        const c = ctrl.pop();
        if (c) { h = c.base; push(c.results); dead = c.dead; } else { balanced = r.p === body.end && (dead || h === fnResults); h = fnResults; }
        break;
      }
      case 0x0c: r.leb(); unreachable(); break;
      case 0x0d: r.leb(); pop(1); break;
      case 0x0e: { for (let n = r.leb(); n >= 0; n--) r.leb(); unreachable(); break; }
      case 0x0f: unreachable(); break;
      case 0x10: { const f = r.leb(); callees.add(f); const t = funcType(info, f); pop(t.params.length); push(t.results.length); break; }
      case 0x11: { const t = info.types[r.leb()]; r.u8(); pop(1 + t.params.length); push(t.results.length); break; }
      case 0x1a: pop(1); break;
      case 0x1b: pop(3); push(1); break;
      case 0x20: r.leb(); push(1); break;
      case 0x21: r.leb(); pop(1); break;
      case 0x22: r.leb(); pop(1); push(1); break;
      case 0x23: r.leb(); push(1); break;
      case 0x24: r.leb(); pop(1); break;
      case 0x3f: r.u8(); push(1); break;
      case 0x40: r.u8(); pop(1); push(1); break;
      case 0x41: case 0x42: r.skipLeb(); push(1); break;
      case 0x43: r.p += 4; push(1); break;
      case 0x44: r.p += 8; push(1); break;
      default:
        if (op >= 0x28 && op <= 0x35) { r.leb(); r.leb(); pop(1); push(1); }
        else if (op >= 0x36 && op <= 0x3e) { r.leb(); r.leb(); pop(2); }
        else if (op === 0xfc) { const sub = r.leb(); if (sub > 7) throw new Error(`0xfc ${sub}: not an MVP module`); pop(1); push(1); }
        else { const [a, c] = numericEffect(op); pop(a); push(c); }
    }
  }
  return { maxStack: max, callees, instructions, balanced };
}
