/**
 * `ue-keys profile`: size and deterministic cost of the firmware modules.
 *  - size: each module by section and by function (top 20), static data per memory block, free
 *    bytes left in the page;
 *  - stack: the modules have no linear-memory stack (stub runtime, no shadow stack); what they use
 *    is the engine's wasm value stack: per function its frame (parameters + locals + the deepest
 *    operand stack, from the binary) and, per export, the deepest chain of direct calls;
 *  - cost: executed wasm instructions per operation (operations.ts) on the instrumented build
 *    (meter.ts), with the instructions of each function;
 *  - per build (issue 12): the small build (build/ue.wasm, build/usim.wasm) or the fast one
 *    (build/ue-fast.wasm, build/usim-fast.wasm), each against its own goals (goals.ts); `compare`
 *    puts the two side by side (instructions per operation, bytes per module, ratios).
 */
import { Firmware, wasmBytes, type ModuleFile, type RawExports } from '../firmware/loader.js';
import { OPERATION_GOALS, SIZE_GOALS, VARIANTS, type Role, type Variant } from './goals.js';
import { variantFile } from '../firmware/variant.js';
import { PAGE, staticLayout, type Block } from './layout.js';
import { meterModule } from './meter.js';
import { releaseFunctionNames } from './names.js';
import { OPERATIONS, type Operation } from './operations.js';
import { analyseBody, funcType, readWasm, typeBytes, type WasmInfo } from './wasm.js';

/** Module roles; each build has one file per role (MODULE_FILES). */
export const MODULES: Role[] = ['ue', 'usim'];
export const MODULE_FILES: Record<Variant, Record<Role, ModuleFile>> = {
  small: { ue: variantFile('ue', 'small'), usim: variantFile('usim', 'small') },
  fast: { ue: variantFile('ue', 'fast'), usim: variantFile('usim', 'fast') },
};
export { SIZE_GOALS, OPERATION_GOALS, VARIANTS, type Variant };
const TOP_FUNCTIONS = 20;

export interface StackChain { slots: number; bytes: number; depth: number; chain: string[]; recursive: boolean }
export interface OperationResult {
  module: Role; title: string; instructions: number; goal?: { limit: number; met: boolean; over: number };
  functions: Record<string, number>; exports: string[]; stack: StackChain;
}
export interface ModuleReport {
  /** goal: the size budget (small build only; the fast build has none beyond the page, see memory.free). */
  file: string; bytes: number; goal?: { limit: number; met: boolean };
  sections: Record<string, number>;
  functions: { count: number; codeBytes: number; names: string; top: Array<{ name: string; bytes: number; instructions: number }> };
  memory: { page: number; blocks: Block[]; staticEnd: number; free: number; belowFirst: number; layoutFrom: string };
  stack: { deepestExport: string; deepest: StackChain; exports: Record<string, StackChain> };
  instrumented: { bytes: number; imports: number; memoryPages: { min: number; max: number | null } };
}
export interface ProfileReport { modules: Record<string, ModuleReport>; operations: Record<string, OperationResult>; deepestOperation: string; method: Record<string, string> }

/** Static value-stack bound of every function: own frame + the deepest callee chain. */
function stackBounds(b: Uint8Array, info: WasmInfo, names: Map<number, string>) {
  const frame = new Map<number, { slots: number; bytes: number }>(), callees = new Map<number, Set<number>>();
  for (const body of info.bodies) {
    const facts = analyseBody(b, body, info);
    const type = funcType(info, body.index);
    const params = type.params, all = [...params, ...body.locals];
    frame.set(body.index, { slots: all.length + facts.maxStack, bytes: all.reduce((s, t) => s + typeBytes(t), 0) + 8 * facts.maxStack });
    callees.set(body.index, facts.callees);
  }
  const memo = new Map<number, StackChain>(), active = new Set<number>();
  const deepest = (f: number): StackChain => {
    const m = memo.get(f);
    if (m) return m;
    const own = frame.get(f) ?? { slots: 0, bytes: 0 };
    const name = names.get(f) ?? `f${f}`;
    if (active.has(f)) return { slots: own.slots, bytes: own.bytes, depth: 1, chain: [name], recursive: true };
    active.add(f);
    let best: StackChain | null = null;
    for (const c of callees.get(f) ?? []) {
      const d = deepest(c);
      if (!best || d.bytes > best.bytes || (d.bytes === best.bytes && d.depth > best.depth)) best = d;
    }
    active.delete(f);
    const r: StackChain = best
      ? { slots: own.slots + best.slots, bytes: own.bytes + best.bytes, depth: 1 + best.depth, chain: [name, ...best.chain], recursive: best.recursive }
      : { slots: own.slots, bytes: own.bytes, depth: 1, chain: [name], recursive: false };
    memo.set(f, r);
    return r;
  };
  return deepest;
}

interface Metered { module: WebAssembly.Module; functions: number; importedFuncs: number; bytes: number; imports: number; pages: { min: number; max: number | null } }
const meteredCache = new Map<ModuleFile, Metered>();

/** The instrumented build of a module file (compiled once per process). */
export function metered(m: ModuleFile): Metered {
  let x = meteredCache.get(m);
  if (!x) {
    const r = meterModule(wasmBytes(m));
    const module = new WebAssembly.Module(r.wasm);
    x = { module, functions: r.functions, importedFuncs: r.importedFuncs, bytes: r.wasm.length, imports: WebAssembly.Module.imports(module).length, pages: readWasm(r.wasm).memory ?? { min: 0, max: null } };
    meteredCache.set(m, x);
  }
  return x;
}

export interface Counted { instructions: number; perFunction: Map<number, number>; exports: string[]; fw: Firmware }

/** Run one operation on a fresh instrumented instance of the given build: setup (not counted),
 *  then run (counted). */
export function countOperation(op: Operation, variant: Variant = 'small'): Counted {
  const mt = metered(MODULE_FILES[variant][op.module]);
  const inst = new WebAssembly.Instance(mt.module, {});
  const ex = inst.exports as Record<string, any>;
  const called = new Set<string>();
  const raw = new Proxy(ex, {
    get(t, k) { const v = t[k as string]; if (typeof v === 'function' && typeof k === 'string' && !k.startsWith('__icount')) called.add(k); return v; },
  }) as unknown as RawExports;
  const fw = new Firmware(raw, mt.module);
  op.setup?.(fw);
  ex.__icount_reset();
  called.clear();
  op.run(fw);
  const instructions = Number(ex.__icount());
  const perFunction = new Map<number, number>();
  for (let k = 0; k < mt.functions; k++) {
    const c = Number(ex.__icount_fn(mt.importedFuncs + k));
    if (c) perFunction.set(mt.importedFuncs + k, c);
  }
  return { instructions, perFunction, exports: [...called].sort(), fw };
}

/** The report of one build (modules keyed by role, 'ue' and 'usim'; `file` names the build's file). */
export function profile(variant: Variant, operations: Operation[] = OPERATIONS): ProfileReport {
  const modules: Record<string, ModuleReport> = {};
  const bounds = {} as Record<Role, (f: number) => StackChain>;
  const exportIndex = {} as Record<Role, Map<string, number>>;
  const fnNames = {} as Record<Role, Map<number, string>>;
  const selfCounts = {} as Record<Role, Map<number, number>>;
  for (const m of MODULES) {
    const file = MODULE_FILES[variant][m];
    const b = wasmBytes(file), info = readWasm(b);
    const { names, source } = releaseFunctionNames(file);
    fnNames[m] = names;
    bounds[m] = stackBounds(b, info, names);
    exportIndex[m] = new Map(info.exports.filter((e) => e.kind === 0).map((e) => [e.name, e.index]));
    selfCounts[m] = new Map(info.bodies.map((x) => [x.index, analyseBody(b, x, info).instructions]));
    const sections: Record<string, number> = { header: 8 };
    for (const s of info.sections) sections[s.name] = (sections[s.name] ?? 0) + s.size;
    const top = [...info.bodies].sort((x, y) => y.size - x.size || x.index - y.index).slice(0, TOP_FUNCTIONS)
      .map((x) => ({ name: names.get(x.index) ?? `f${x.index}`, bytes: x.size, instructions: selfCounts[m].get(x.index) ?? 0 }));
    const lay = staticLayout(file);
    const exps: Record<string, StackChain> = {};
    for (const [n, i] of exportIndex[m]) exps[n] = bounds[m](i);
    const deepestExport = Object.entries(exps).sort((x, y) => y[1].bytes - x[1].bytes || x[0].localeCompare(y[0]))[0];
    const mt = metered(file);
    const limit = SIZE_GOALS[variant][m];
    modules[m] = {
      file: `build/${file}.wasm`, bytes: b.length, ...(limit !== undefined ? { goal: { limit, met: b.length <= limit } } : {}),
      sections,
      functions: { count: info.bodies.length, codeBytes: sections.code ?? 0, names: source, top },
      memory: { page: PAGE, blocks: lay.blocks, staticEnd: lay.staticEnd, free: lay.free, belowFirst: lay.belowFirst, layoutFrom: lay.fromDebug ? 'debug build data segments, shifted onto the release addresses' : 'exported regions and release data segments' },
      stack: { deepestExport: deepestExport?.[0] ?? '', deepest: deepestExport?.[1] ?? { slots: 0, bytes: 0, depth: 0, chain: [], recursive: false }, exports: exps },
      instrumented: { bytes: mt.bytes, imports: mt.imports, memoryPages: mt.pages },
    };
  }

  const ops: Record<string, OperationResult> = {};
  for (const op of operations) {
    const c = countOperation(op, variant);
    const goal = OPERATION_GOALS[variant][op.id];
    const functions: Record<string, number> = {};
    for (const [f, n] of c.perFunction) { const nm = fnNames[op.module].get(f) ?? `f${f}`; functions[nm] = (functions[nm] ?? 0) + n; }
    const stacks = c.exports.map((e) => bounds[op.module](exportIndex[op.module].get(e)!)).sort((x, y) => y.bytes - x.bytes);
    ops[op.id] = {
      module: op.module, title: op.title, instructions: c.instructions, functions, exports: c.exports,
      stack: stacks[0] ?? { slots: 0, bytes: 0, depth: 0, chain: [], recursive: false },
      ...(goal !== undefined ? { goal: { limit: goal, met: c.instructions <= goal, over: Math.max(0, c.instructions - goal) } } : {}),
    };
  }
  const deepestOperation = Object.entries(ops).sort((x, y) => y[1].stack.bytes - x[1].stack.bytes || x[0].localeCompare(y[0]))[0]?.[0] ?? '';
  return {
    modules, operations: ops, deepestOperation,
    method: {
      instructions: 'executed opcodes of the release module (block/loop/if/else/end included), counted by wasm-metering segments (cost 1 per opcode) on a build whose meter is an internal i64 counter per function: exports __icount, __icount_reset, __icount_fn; no imports, one page, MVP',
      stack: 'no linear-memory stack exists (stub runtime, no shadow stack, every buffer is a static region); the figure is the wasm value stack: per frame parameters + locals + the deepest operand stack of the function, summed along the deepest chain of direct calls (static bound; bytes count i64 locals as 8 and every operand slot as 8)',
      names: 'function names from the release build rebuilt with --debug (same bytes plus a name section), else export names',
    },
  };
}

/** JSON with every object's keys sorted (arrays keep their order): diffable in review. */
export function stableJson(v: unknown): string {
  const sort = (x: any): any => (Array.isArray(x) ? x.map(sort) : x && typeof x === 'object' && !(x instanceof Map)
    ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, sort(x[k])])) : x);
  return JSON.stringify(sort(v), null, 1);
}

const n = (x: number) => x.toLocaleString('en-US');
const pad = (s: string, w: number) => (s.length >= w ? s : s + ' '.repeat(w - s.length));
const lpad = (s: string, w: number) => (s.length >= w ? s : ' '.repeat(w - s.length) + s);

/** Both builds' reports, keyed by variant (`profile --json` without --variant). */
export function profileBoth(operations: Operation[] = OPERATIONS): Record<Variant, ProfileReport> {
  return Object.fromEntries(VARIANTS.map((v) => [v, profile(v, operations)])) as Record<Variant, ProfileReport>;
}

/** One figure in both builds: `ratio` = small / fast (> 1: the fast build executes fewer
 *  instructions; < 1: the fast module has more bytes). */
export interface Pair { small: number; fast: number; ratio: number }
export interface CompareReport { modules: Record<string, Pair & { files: Record<Variant, string> }>; operations: Record<string, Pair & { module: Role }>; ratio: string }

const pair = (small: number, fast: number): Pair => ({ small, fast, ratio: Math.round((small / fast) * 100) / 100 });

/** `profile --compare`: each operation's instructions and each module's bytes, small vs fast. */
export function compare(r: Record<Variant, ProfileReport>): CompareReport {
  const modules: CompareReport['modules'] = {};
  for (const m of MODULES) modules[m] = { ...pair(r.small.modules[m].bytes, r.fast.modules[m].bytes), files: { small: r.small.modules[m].file, fast: r.fast.modules[m].file } };
  const operations: CompareReport['operations'] = {};
  for (const [id, o] of Object.entries(r.small.operations)) {
    const f = r.fast.operations[id];
    if (f) operations[id] = { module: o.module, ...pair(o.instructions, f.instructions) };
  }
  return { modules, operations, ratio: 'small ÷ fast, rounded to 2 decimals: for instructions the fast build\'s speed-up, for bytes below 1 (the fast module is larger)' };
}

export function renderCompare(c: CompareReport): string {
  const L: string[] = [];
  const label = (m: string, x: CompareReport['modules'][string]) => `${m} (${x.files.small.slice(6)} / ${x.files.fast.slice(6)})`;
  const w = Math.max(...Object.keys(c.operations).map((k) => k.length), ...Object.entries(c.modules).map(([m, x]) => label(m, x).length));
  L.push('Small build vs fast build (ratio = small ÷ fast: above 1, the fast build executes fewer instructions; below 1, its module is larger)');
  L.push(`  ${pad('module', w)}  ${lpad('small B', 12)}  ${lpad('fast B', 12)}  ${lpad('ratio', 6)}`);
  for (const [m, x] of Object.entries(c.modules)) L.push(`  ${pad(label(m, x), w)}  ${lpad(n(x.small), 12)}  ${lpad(n(x.fast), 12)}  ${lpad(x.ratio.toFixed(2), 5)}×`);
  L.push(`  ${pad('operation', w)}  ${lpad('small instr', 12)}  ${lpad('fast instr', 12)}  ${lpad('ratio', 6)}`);
  for (const [id, x] of Object.entries(c.operations)) L.push(`  ${pad(id, w)}  ${lpad(n(x.small), 12)}  ${lpad(n(x.fast), 12)}  ${lpad(x.ratio.toFixed(2), 5)}×`);
  return L.join('\n');
}

/** The goal lines of one build. */
function renderGoals(variant: Variant, r: ProfileReport): string[] {
  const L: string[] = [];
  for (const x of Object.values(r.modules)) {
    L.push(x.goal
      ? `  ${pad(x.file, 24)} ${lpad(n(x.bytes), 7)} B   goal ≤ ${n(x.goal.limit)} B (${x.goal.limit / 1024} KiB): ${x.goal.met ? 'met' : `NOT met (+${n(x.bytes - x.goal.limit)} B)`}`
      : `  ${pad(x.file, 24)} ${lpad(n(x.bytes), 7)} B   no size budget; static data fits the one page: ${x.memory.free >= 0 ? `met (${n(x.memory.free)} B free)` : 'NOT met'}`);
  }
  for (const [id, o] of Object.entries(r.operations)) {
    if (o.goal) L.push(`  ${pad(id, 24)} ${lpad(n(o.instructions), 7)} instructions   goal ≤ ${n(o.goal.limit)}: ${o.goal.met ? 'met' : `NOT met (+${n(o.goal.over)}, ${(o.instructions / o.goal.limit).toFixed(2)}×)`}`);
  }
  const all = [...Object.values(r.modules).map((x) => x.goal?.met ?? x.memory.free >= 0), ...Object.values(r.operations).filter((o) => o.goal).map((o) => o.goal!.met)];
  L.unshift(`Goals of the ${variant} build: ${all.filter(Boolean).length} of ${all.length} met`);
  return L;
}

/** Default text: the goals of both builds, the comparison, then each build's details. */
export function renderBoth(r: Record<Variant, ProfileReport>): string {
  const L: string[] = ['ue-keys profile (both builds; --variant fast|small for one)', ''];
  for (const v of VARIANTS) L.push(...renderGoals(v, r[v]), '');
  L.push(renderCompare(compare(r)));
  for (const v of VARIANTS) L.push('', '', renderText(r[v], v));
  return L.join('\n');
}

/** One build's report as text. */
export function renderText(r: ProfileReport, variant: Variant): string {
  const L: string[] = [];
  L.push(`ue-keys profile — the ${variant} build`, '', ...renderGoals(variant, r));
  L.push('', 'Executed wasm instructions per operation (deterministic: the same on every run and machine)');
  const w = Math.max(...Object.keys(r.operations).map((k) => k.length), 9);
  L.push(`  ${pad('operation', w)}  ${pad('module', 6)}  ${lpad('instructions', 12)}  largest share`);
  for (const [id, o] of Object.entries(r.operations)) {
    const [fn, c] = Object.entries(o.functions).sort((x, y) => y[1] - x[1])[0] ?? ['', 0];
    L.push(`  ${pad(id, w)}  ${pad(o.module, 6)}  ${lpad(n(o.instructions), 12)}  ${fn} ${o.instructions ? Math.round((100 * c) / o.instructions) : 0}%`);
  }
  for (const [id, o] of Object.entries(r.operations)) {
    if (!o.goal) continue;
    L.push('', `Where the ${n(o.instructions)} instructions of ${id} go (${o.title}; self counts per function):`);
    for (const [fn, c] of Object.entries(o.functions).sort((x, y) => y[1] - x[1])) L.push(`  ${lpad(n(c), 7)}  ${lpad(((100 * c) / o.instructions).toFixed(1), 5)}%  ${fn}`);
  }
  for (const [m, x] of Object.entries(r.modules)) {
    L.push('', `Module ${m}: ${x.file}, ${n(x.bytes)} bytes`);
    L.push('  sections: ' + Object.entries(x.sections).map(([k, v]) => `${k} ${n(v)}`).join(', '));
    L.push(`  functions: ${x.functions.count} (largest ${Math.min(TOP_FUNCTIONS, x.functions.count)}; names: ${x.functions.names})`);
    for (const f of x.functions.top) L.push(`    ${lpad(n(f.bytes), 6)} B  ${lpad(n(f.instructions), 5)} instr  ${f.name}`);
    L.push(`  memory: one page of ${n(x.memory.page)} B; static data ends at 0x${x.memory.staticEnd.toString(16)}; free after it: ${n(x.memory.free)} B (${((100 * x.memory.free) / x.memory.page).toFixed(1)}%); below the first block: ${n(x.memory.belowFirst)} B unused`);
    for (const b of x.memory.blocks) L.push(`    0x${b.ptr.toString(16).padStart(4, '0')}  ${lpad(n(b.len), 6)} B  ${pad(b.kind, 8)}  ${b.name}`);
    const d = x.stack.deepest;
    L.push(`  stack: no linear-memory stack; wasm value stack, deepest export ${x.stack.deepestExport}: ${d.depth} frames, ${d.slots} slots, ≤ ${n(d.bytes)} B${d.recursive ? ' (recursion: unbounded)' : ''}`);
    L.push(`    ${d.chain.join(' → ')}`);
    L.push(`  instrumented build: ${n(x.instrumented.bytes)} B, ${x.instrumented.imports} imports, memory ${x.instrumented.memoryPages.min}/${x.instrumented.memoryPages.max ?? '∞'} pages`);
  }
  const dop = r.operations[r.deepestOperation];
  if (dop) L.push('', `Stack high-water mark of the deepest operation (${r.deepestOperation}): ${dop.stack.depth} wasm frames, ${dop.stack.slots} value slots, ≤ ${n(dop.stack.bytes)} B (static bound over ${dop.exports.join(', ')}; no linear-memory stack exists)`);
  return L.join('\n');
}
