// A driver module for interpreters that can only call zero-argument exports (wabt's wasm-interp
// --run-all-exports): the firmware binary with driver functions appended. The firmware's own
// sections and function bodies are copied byte for byte (only its export section is replaced and
// custom sections dropped), so the interpreter runs exactly the code of build/*.wasm; the driver
// functions use the documented ABI only:
//   step export  () -> i32: stores the step's inputs at IO_IN_PTR + off (i64.store / i32.store8),
//                           calls the firmware export with the step's i32 arguments, returns its status;
//   output export () -> i64: i64.load of 8 bytes at IO_OUT_PTR + off + 8k (little-endian).
// Exports run in order, so the readers of a step run after its call and before the next call.
// All cases of one module run in ONE instance, in order. The firmware binary is read with the project's
// one wasm reader (host/inspect/wasm.ts); this file only writes.
import { readWasm, vectorHeader } from '../../inspect/wasm.js';

/** One step of a case: inputs at IO_IN + off, the call, its status and the outputs at IO_OUT + off. */
interface Step { inputs: Array<{ off: number; hex: string }>; call: string; args: number[]; status: number; outputs: Array<{ off: number; hex: string }> }
interface Case { name: string; module: string; steps: Step[] }
interface DriverExport { name: string; kind: 'step' | 'out'; c: number; s: number; o?: number; k?: number }

function uleb(n: number): number[] {
  const out: number[] = [];
  do { let b = n & 0x7f; n = Math.floor(n / 128); if (n) b |= 0x80; out.push(b); } while (n);
  return out;
}
function sleb(value: number | bigint): number[] {
  let v = BigInt(value);
  const out: number[] = [];
  for (;;) {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    if ((v === 0n && !(b & 0x40)) || (v === -1n && (b & 0x40))) { out.push(b); return out; }
    out.push(b | 0x80);
  }
}
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const str = (s: string) => { const b = [...Buffer.from(s, 'utf8')]; return [...uleb(b.length), ...b]; };

/** The firmware's sections (payload bytes) and, for the vector sections, entry count and entries. */
function sections(bytes: Uint8Array) {
  const info = readWasm(bytes);
  const secs = info.sections.map((x) => ({ id: x.id, body: bytes.subarray(x.payload, x.end) }));
  const vector = (id: number) => {
    const s = info.sections.find((x) => x.id === id);
    if (!s) return { count: 0, rest: [] as number[] };
    const { count, first } = vectorHeader(bytes, s);
    return { count, rest: [...bytes.subarray(first, s.end)] };
  };
  const fnExports = new Map(info.exports.filter((e) => e.kind === 0).map((e) => [e.name, e.index] as const));
  return { secs, vector, fnExports, imports: info.imports };
}

const I32 = 0x7f, I64 = 0x7e;
const OP = { i32const: 0x41, i64const: 0x42, i64load: 0x29, i64store: 0x37, i32store8: 0x3a, call: 0x10, end: 0x0b };

/**
 * Build the driver module for `cases` (all of one module) on `bytes` (that module's binary).
 * `ioIn` / `ioOut` are the module's IO_IN_PTR / IO_OUT_PTR. Returns the binary and the export list
 * in run order: { name, kind: 'step' | 'out', c, s, o, k }.
 */
export function buildDriver(bytes: Uint8Array, cases: Case[], { ioIn, ioOut }: { ioIn: number; ioOut: number }) {
  const { secs, vector, fnExports, imports } = sections(bytes);
  if (imports > 0) throw new Error('driver: the firmware is expected to have no imports');
  const types = vector(1), funcs = vector(3), code = vector(10);
  const tStatus = types.count, tChunk = types.count + 1;
  const newTypes = [[0x60, 0, 1, I32], [0x60, 0, 1, I64]];

  const bodies: number[][] = [], fnTypes: number[][] = [], exports: number[][] = [], list: DriverExport[] = [];
  const addFn = (type: number, instrs: number[], name: string, meta: Omit<DriverExport, 'name'>) => {
    const idx = funcs.count + fnTypes.length;
    fnTypes.push(uleb(type));
    const body = [0x00, ...instrs, OP.end]; // no locals
    bodies.push([...uleb(body.length), ...body]);
    exports.push([...str(name), 0x00, ...uleb(idx)]);
    list.push({ name, ...meta });
  };

  cases.forEach((c, ci) => c.steps.forEach((st, si) => {
    const fidx = fnExports.get(st.call);
    if (fidx === undefined) throw new Error(`driver: ${c.module} has no export ${st.call} (case ${c.name})`);
    const ins: number[] = [];
    for (const input of st.inputs) {
      const b = Buffer.from(input.hex, 'hex');
      let k = 0;
      for (; k + 8 <= b.length; k += 8) ins.push(OP.i32const, ...sleb(ioIn + input.off + k), OP.i64const, ...sleb(b.readBigInt64LE(k)), OP.i64store, 0, 0);
      for (; k < b.length; k++) ins.push(OP.i32const, ...sleb(ioIn + input.off + k), OP.i32const, ...sleb(b[k]), OP.i32store8, 0, 0);
    }
    for (const a of st.args) ins.push(OP.i32const, ...sleb(a | 0));
    ins.push(OP.call, ...uleb(fidx));
    addFn(tStatus, ins, `s${ci}_${si}`, { kind: 'step', c: ci, s: si });
    st.outputs.forEach((o, oi) => {
      const n = Math.ceil(o.hex.length / 16);
      for (let k = 0; k < n; k++) {
        addFn(tChunk, [OP.i32const, ...sleb(ioOut + o.off + 8 * k), OP.i64load, 0, 0], `o${ci}_${si}_${oi}_${k}`, { kind: 'out', c: ci, s: si, o: oi, k });
      }
    });
  }));

  // concat, not push(...spread): the fast build's code section (about 90 KB) overflows the call
  // stack when its bytes are spread as arguments
  const section = (id: number, payload: number[]) => [id, ...uleb(payload.length)].concat(payload);
  let out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  for (const x of secs) {
    if (x.id === 0) continue; // custom sections (names) are not needed
    if (x.id === 1) out = out.concat(section(1, uleb(types.count + newTypes.length).concat(Array.from(types.rest), newTypes.flat())));
    else if (x.id === 3) out = out.concat(section(3, uleb(funcs.count + fnTypes.length).concat(Array.from(funcs.rest), fnTypes.flat())));
    else if (x.id === 7) out = out.concat(section(7, vec(exports)));
    else if (x.id === 10) out = out.concat(section(10, uleb(code.count + bodies.length).concat(Array.from(code.rest), bodies.flat())));
    else out = out.concat(section(x.id, Array.from(x.body)));
  }
  return { wasm: Uint8Array.from(out), exports: list };
}

/** Run a driver module under V8 the way wasm-interp --run-all-exports does: every export in order.
 *  Returns name → value as the interpreter prints it (unsigned decimal string). */
export function runDriverInNode(wasm: Uint8Array<ArrayBuffer>, list: DriverExport[]): Map<string, string> {
  const ex = new WebAssembly.Instance(new WebAssembly.Module(wasm), {}).exports as Record<string, () => number | bigint>;
  const out = new Map<string, string>();
  for (const e of list) {
    const v = ex[e.name]();
    out.set(e.name, e.kind === 'step' ? String((v as number) >>> 0) : BigInt.asUintN(64, v as bigint).toString());
  }
  return out;
}

/** Parse `wasm-interp --run-all-exports` output: name → value (unsigned decimal) or 'error: ...'. */
export function parseInterpOutput(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^(\S+)\(\) => (?:i32:|i64:)?(.*)$/.exec(line.trim());
    if (m) out.set(m[1], m[2]);
  }
  return out;
}

/** Rebuild the answers of each case from the export values: per step the status and the bytes of
 *  each output (as many as the expected hex has). */
export function answersFrom(values: Map<string, string>, cases: Case[], list: DriverExport[]) {
  const res = cases.map((c) => ({ name: c.name, steps: c.steps.map((s) => ({ status: undefined as number | undefined, outputs: s.outputs.map((o) => new Uint8Array(Math.ceil(o.hex.length / 16) * 8)) })) }));
  for (const e of list) {
    const v = values.get(e.name);
    if (v === undefined || v.startsWith('error')) continue;
    const step = res[e.c].steps[e.s];
    if (e.kind === 'step') step.status = Number(v) | 0;
    else Buffer.from(step.outputs[e.o!].buffer).writeBigUInt64LE(BigInt(v), 8 * e.k!);
  }
  for (const [ci, c] of cases.entries()) c.steps.forEach((s, si) => s.outputs.forEach((o, oi) => {
    res[ci].steps[si].outputs[oi] = res[ci].steps[si].outputs[oi].slice(0, o.hex.length / 2);
  }));
  return res;
}
