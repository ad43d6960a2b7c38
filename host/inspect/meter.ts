/**
 * The instruction-counting build of a firmware module (deterministic instruction counts). npm `wasm-metering` splits every function body into straight-line segments (a segment
 * ends at block boundaries and branches: end, br, br_if, br_table, if, else, return, loop) and puts
 * `i64.const <opcodes in the segment> ; call $meter` in front of each, with a cost of 1 per opcode.
 * The meter import is then replaced in the module itself (no binaryen needed for this rewrite):
 * each metering statement becomes `global.get $c_f ; i64.const n ; i64.add ; global.set $c_f` on a
 * mutable i64 global per function (internal mutable globals are MVP), the import is removed and the
 * function indices are shifted back. Exports added:
 *   __icount() -> i64            executed wasm instructions since the last reset (all functions)
 *   __icount_reset()             zero every counter
 *   __icount_fn(i32 f) -> i64    the instructions executed inside function f (self, not callees)
 * The counted quantity is the opcodes of the ORIGINAL module that executed (structural opcodes
 * block/loop/if/else/end included); the metering statements themselves are not counted. The
 * result has no imports, one page, and validates with every post-MVP feature disabled.
 */
import { createRequire } from 'node:module';

export interface Metered { wasm: Uint8Array<ArrayBuffer>; functions: number; importedFuncs: number }

type Json = any;
let toolkit: { wasm2json(b: Uint8Array): Json; json2wasm(j: Json): Uint8Array; meterJSON(j: Json, o: Json): Json } | null = null;

/** wasm-metering (CommonJS, devDependency) and its wasm-json-toolkit, resolved at run time from
 *  the repository's node_modules (not bundled into build/cli.mjs). */
function tools() {
  if (toolkit) return toolkit;
  const req = createRequire(import.meta.url);
  let metering: Json, wjt: Json;
  try {
    metering = req('wasm-metering');
    wjt = req(req.resolve('wasm-json-toolkit', { paths: [req.resolve('wasm-metering')] }));
  } catch {
    throw new Error('the instruction-count build needs the devDependency wasm-metering: run `npm install` in the repository');
  }
  toolkit = { wasm2json: wjt.wasm2json, json2wasm: wjt.json2wasm, meterJSON: metering.meterJSON };
  return toolkit;
}

/** Cost table: 1 per opcode, nothing for types, locals, imports, memory or data. */
const COST_TABLE = {
  start: 0, type: { params: { DEFAULT: 0 }, return_type: { DEFAULT: 0 } }, import: 0,
  code: { locals: { DEFAULT: 0 }, code: { DEFAULT: 1 } }, memory: 0, data: 0,
};
/** What wasm-metering adds to each segment's cost for its own `i64.const` + `call`. */
const METER_OVERHEAD = 2;

const SECTION_ORDER = ['custom', 'type', 'import', 'function', 'table', 'memory', 'global', 'export', 'start', 'element', 'code', 'data'];

function section(json: Json[], name: string): Json {
  let s = json.find((x) => x.name === name);
  if (s) return s;
  s = { name, entries: [] };
  const rank = SECTION_ORDER.indexOf(name);
  const at = json.findIndex((x) => SECTION_ORDER.indexOf(x.name) > rank);
  json.splice(at < 0 ? json.length : at, 0, s);
  return s;
}

export function meterModule(bytes: Uint8Array): Metered {
  const t = tools();
  const original: Json[] = t.wasm2json(bytes);
  const importSec = original.find((x) => x.name === 'import');
  const importedFuncs = importSec ? importSec.entries.filter((e: Json) => e.kind === 'function').length : 0;
  const importedGlobals = importSec ? importSec.entries.filter((e: Json) => e.kind === 'global').length : 0;
  const hadImportSection = !!importSec;

  const json: Json[] = t.meterJSON(original, { meterType: 'i64', costTable: COST_TABLE, moduleStr: '__profile', fieldStr: '__meter' });
  const meterIdx = importedFuncs; // wasm-metering appends its import after the existing function imports

  // 1. Remove the meter import.
  const imp = json.find((x) => x.name === 'import');
  imp.entries = imp.entries.filter((e: Json) => !(e.moduleStr === '__profile' && e.fieldStr === '__meter'));
  if (!hadImportSection && imp.entries.length === 0) json.splice(json.indexOf(imp), 1);

  // 2. One counter global per defined function.
  const funcSec = section(json, 'function');
  const nFuncs: number = funcSec.entries.length;
  const globalSec = section(json, 'global');
  const counterBase = importedGlobals + globalSec.entries.length;
  for (let i = 0; i < nFuncs; i++) globalSec.entries.push({ type: { contentType: 'i64', mutability: 1 }, init: { return_type: 'i64', name: 'const', immediates: '0' } });

  // 3. Metering statements → counter updates; function indices back to the original numbering.
  const code = section(json, 'code');
  code.entries.forEach((entry: Json, f: number) => {
    const out: Json[] = [];
    const ops: Json[] = entry.code;
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i], next = ops[i + 1];
      if (op.name === 'const' && op.return_type === 'i64' && next && next.name === 'call' && Number(next.immediates) === meterIdx) {
        const g = String(counterBase + f);
        out.push({ name: 'get_global', immediates: g }, { return_type: 'i64', name: 'const', immediates: String(BigInt(op.immediates) - BigInt(METER_OVERHEAD)) },
          { return_type: 'i64', name: 'add' }, { name: 'set_global', immediates: g });
        i++;
        continue;
      }
      if (op.name === 'call' && Number(op.immediates) > meterIdx) op.immediates = String(Number(op.immediates) - 1);
      out.push(op);
    }
    entry.code = out;
  });
  const exp = section(json, 'export');
  for (const e of exp.entries) if (e.kind === 'function' && e.index > meterIdx) e.index--;
  const elem = json.find((x) => x.name === 'element');
  if (elem) for (const e of elem.entries) e.elements = e.elements.map((x: number) => (x > meterIdx ? x - 1 : x));
  const start = json.find((x) => x.name === 'start');
  if (start && start.index > meterIdx) start.index--;

  // 4. The counter exports.
  const typeSec = section(json, 'type');
  const tI64 = typeSec.entries.push({ form: 'func', params: [], return_type: 'i64' }) - 1;
  const tVoid = typeSec.entries.push({ form: 'func', params: [] }) - 1;
  const tFn = typeSec.entries.push({ form: 'func', params: ['i32'], return_type: 'i64' }) - 1;
  const gs = Array.from({ length: nFuncs }, (_, i) => String(counterBase + i));
  const total: Json[] = [{ return_type: 'i64', name: 'const', immediates: '0' }];
  for (const g of gs) total.push({ name: 'get_global', immediates: g }, { return_type: 'i64', name: 'add' });
  const reset: Json[] = [];
  for (const g of gs) reset.push({ return_type: 'i64', name: 'const', immediates: '0' }, { name: 'set_global', immediates: g });
  // __icount_fn(f): acc = (f == k) ? c_k : acc for every k (no control flow needed)
  const byFn: Json[] = [{ return_type: 'i64', name: 'const', immediates: '0' }, { name: 'set_local', immediates: '1' }];
  gs.forEach((g, k) => byFn.push({ name: 'get_global', immediates: g }, { name: 'get_local', immediates: '1' }, { name: 'get_local', immediates: '0' },
    { return_type: 'i32', name: 'const', immediates: String(importedFuncs + k) }, { return_type: 'i32', name: 'eq' }, { name: 'select' }, { name: 'set_local', immediates: '1' }));
  byFn.push({ name: 'get_local', immediates: '1' });
  const added: Array<[string, number, Json[], Json[]]> = [
    ['__icount', tI64, total, []], ['__icount_reset', tVoid, reset, []], ['__icount_fn', tFn, byFn, [{ count: 1, type: 'i64' }]],
  ];
  for (const [name, type, body, locals] of added) {
    const index = importedFuncs + funcSec.entries.length;
    funcSec.entries.push(type);
    code.entries.push({ locals, code: [...body, { name: 'end' }] });
    exp.entries.push({ field_str: name, kind: 'function', index });
  }
  // custom sections (names) are dropped: the counters are per function index
  const cleaned = json.filter((x) => x.name !== 'custom');
  return { wasm: Uint8Array.from(t.json2wasm(cleaned)), functions: nFuncs, importedFuncs };
}
