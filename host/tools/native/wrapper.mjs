// A driver module for interpreters that can only call zero-argument exports (wabt's wasm-interp
// --run-all-exports): the firmware binary with driver functions appended. The firmware's own
// sections and function bodies are copied byte for byte (only its export section is replaced and
// custom sections dropped), so the interpreter runs exactly the code of build/*.wasm; the driver
// functions use the documented ABI only:
//   step export  () -> i32: stores the step's inputs at IO_IN_PTR + off (i64.store / i32.store8),
//                           calls the firmware export with the step's i32 arguments, returns its status;
//   output export () -> i64: i64.load of 8 bytes at IO_OUT_PTR + off + 8k (little-endian).
// Exports run in order, so the readers of a step run after its call and before the next call.
// All cases of one module run in ONE instance, in order.

function uleb(n) {
  const out = [];
  do { let b = n & 0x7f; n = Math.floor(n / 128); if (n) b |= 0x80; out.push(b); } while (n);
  return out;
}
function sleb(v) {
  v = BigInt(v);
  const out = [];
  for (;;) {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    if ((v === 0n && !(b & 0x40)) || (v === -1n && (b & 0x40))) { out.push(b); return out; }
    out.push(b | 0x80);
  }
}
const vec = (items) => [...uleb(items.length), ...items.flat()];
const str = (s) => { const b = [...Buffer.from(s, 'utf8')]; return [...uleb(b.length), ...b]; };

/** Sections of a wasm binary: [{ id, body (Uint8Array) }]. */
function sections(bytes) {
  const out = [];
  let p = 8;
  const leb = () => { let v = 0, s = 0, x; do { x = bytes[p++]; v += (x & 0x7f) * 2 ** s; s += 7; } while (x & 0x80); return v; };
  while (p < bytes.length) {
    const id = bytes[p++], size = leb();
    out.push({ id, body: bytes.subarray(p, p + size) });
    p += size;
  }
  return out;
}
/** Entry count of a vector section and the bytes after the count. */
function splitVec(body) {
  let p = 0, v = 0, s = 0, x;
  do { x = body[p++]; v += (x & 0x7f) * 2 ** s; s += 7; } while (x & 0x80);
  return { count: v, rest: [...body.subarray(p)] };
}
/** Function exports of a binary: name → function index. */
function functionExports(exportBody) {
  const m = new Map();
  let p = 0;
  const leb = () => { let v = 0, s = 0, x; do { x = exportBody[p++]; v += (x & 0x7f) * 2 ** s; s += 7; } while (x & 0x80); return v; };
  for (let n = leb(); n > 0; n--) {
    const len = leb(); const name = Buffer.from(exportBody.subarray(p, p + len)).toString('utf8'); p += len;
    const kind = exportBody[p++]; const idx = leb();
    if (kind === 0) m.set(name, idx);
  }
  return m;
}

const I32 = 0x7f, I64 = 0x7e;
const OP = { i32const: 0x41, i64const: 0x42, i64load: 0x29, i64store: 0x37, i32store8: 0x3a, call: 0x10, end: 0x0b };

/**
 * Build the driver module for `cases` (all of one module) on `bytes` (that module's binary).
 * `ioIn` / `ioOut` are the module's IO_IN_PTR / IO_OUT_PTR. Returns the binary and the export list
 * in run order: { name, kind: 'step' | 'out', c, s, o, k }.
 */
export function buildDriver(bytes, cases, { ioIn, ioOut }) {
  const secs = sections(bytes);
  if (secs.some((x) => x.id === 2)) throw new Error('driver: the firmware is expected to have no imports');
  const byId = (id) => secs.find((x) => x.id === id);
  const fnExports = functionExports(byId(7).body);
  const types = splitVec(byId(1).body), funcs = splitVec(byId(3).body), code = splitVec(byId(10).body);
  const tStatus = types.count, tChunk = types.count + 1;
  const newTypes = [[0x60, 0, 1, I32], [0x60, 0, 1, I64]];

  const bodies = [], fnTypes = [], exports = [], list = [];
  const addFn = (type, instrs, name, meta) => {
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
    const ins = [];
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

  const section = (id, payload) => [id, ...uleb(payload.length), ...payload];
  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  for (const x of secs) {
    if (x.id === 0) continue; // custom sections (names) are not needed
    if (x.id === 1) out.push(...section(1, [...uleb(types.count + newTypes.length), ...types.rest, ...newTypes.flat()]));
    else if (x.id === 3) out.push(...section(3, [...uleb(funcs.count + fnTypes.length), ...funcs.rest, ...fnTypes.flat()]));
    else if (x.id === 7) out.push(...section(7, vec(exports)));
    else if (x.id === 10) out.push(...section(10, [...uleb(code.count + bodies.length), ...code.rest, ...bodies.flat()]));
    else out.push(...section(x.id, [...x.body]));
  }
  return { wasm: Uint8Array.from(out), exports: list };
}

/** Run a driver module under V8 the way wasm-interp --run-all-exports does: every export in order.
 *  Returns name → value as the interpreter prints it (unsigned decimal string). */
export function runDriverInNode(wasm, list) {
  const ex = new WebAssembly.Instance(new WebAssembly.Module(wasm), {}).exports;
  const out = new Map();
  for (const e of list) {
    const v = ex[e.name]();
    out.set(e.name, e.kind === 'step' ? String(v >>> 0) : BigInt.asUintN(64, v).toString());
  }
  return out;
}

/** Parse `wasm-interp --run-all-exports` output: name → value (unsigned decimal) or 'error: ...'. */
export function parseInterpOutput(text) {
  const out = new Map();
  for (const line of text.split('\n')) {
    const m = /^(\S+)\(\) => (?:i32:|i64:)?(.*)$/.exec(line.trim());
    if (m) out.set(m[1], m[2]);
  }
  return out;
}

/** Rebuild the answers of each case from the export values: per step the status and the bytes of
 *  each output (as many as the expected hex has). */
export function answersFrom(values, cases, list) {
  const res = cases.map((c) => ({ name: c.name, steps: c.steps.map((s) => ({ status: undefined, outputs: s.outputs.map((o) => new Uint8Array(Math.ceil(o.hex.length / 16) * 8)) })) }));
  for (const e of list) {
    const v = values.get(e.name);
    if (v === undefined || v.startsWith('error')) continue;
    const step = res[e.c].steps[e.s];
    if (e.kind === 'step') step.status = Number(v) | 0;
    else Buffer.from(step.outputs[e.o].buffer).writeBigUInt64LE(BigInt(v), 8 * e.k);
  }
  for (const [ci, c] of cases.entries()) c.steps.forEach((s, si) => s.outputs.forEach((o, oi) => {
    res[ci].steps[si].outputs[oi] = res[ci].steps[si].outputs[oi].slice(0, o.hex.length / 2);
  }));
  return res;
}
