/**
 * `ue-keys profile --target cortex-m4|cortex-m33|cortex-a7|x86-64 [--checks stock|mask|none]
 *  [--opt Os|O2] [--variant small|fast] [--ops ID,…] [--json] [--compare]` (issue 15).
 *
 * For every combination: the wasm2c translation of both modules compiled for the target
 * (arm-toolchain.ts), each module's .text/.rodata/RAM, and per operation of `ue-keys profile`
 * (operations.ts) the executed instructions of the target, exact for that binary, counted between
 * marker_on()/marker_off() around each export call of the operation's `run` (summed when it makes
 * several calls). Every operation's statuses and final 64 KiB memory are compared with a V8 run of
 * the same inputs (arm-record.ts); a count is only printed for an operation that matched. On
 * cortex-m4 a cycle range is modelled from the executed mix with the Cortex-M4 TRM timings (zero wait
 * states; host/tools/arm/counter.c) — a model, not a measurement.
 *
 * The command line (flags, defaults, output) is host/cli/profile-target.ts.
 * Defaults: cortex-m4, mask, both -Os and -O2, both builds (small: build/ue.wasm + usim.wasm, fast:
 * build/ue-fast.wasm + usim-fast.wasm). With --checks, --opt and --variant all given (and one target)
 * --json prints exactly one object; otherwise a table of every combination (--json: an array).
 */
import { existsSync } from 'node:fs';
import { InputError } from '../errors.js';
import { Firmware, buildPath, wasmBytes, type RawExports } from '../firmware/loader.js';
import { meterModule } from './meter.js';
import type { Operation } from './operations.js';
import { moduleFile, opsC, recordAll, type Recorded, type Variant } from './arm-record.js';
import { buildAndRun, checkTools, toolVersions, type Checks, type Opt, type Target } from './arm-toolchain.js';

export const VARIANTS: readonly Variant[] = ['small', 'fast'];

export interface ArmOptions { targets: Target[]; checks: Checks[]; opts: Opt[]; variants: Variant[]; ops: Operation[]; json: boolean; compare: boolean; single: boolean }

export interface ArmOperation { instructions: number | null; cyclesMin: number | null; cyclesMax: number | null; verified: boolean }
export interface ArmResult {
  target: Target; checks: Checks; opt: Opt; variant: Variant;
  tools: Record<string, string>;
  modules: Record<'ue' | 'usim', { text: number; rodata: number; ram: number }>;
  operations: Record<string, ArmOperation>;
}

/** Turn one build's regions and harness lines into per-operation figures (verified only). */
export function assemble(recs: Recorded[], regions: Array<{ insns: number; cmin: number; cmax: number }>, lines: Array<{ ok: boolean }>, cycles: boolean): Record<string, ArmOperation> {
  const out: Record<string, ArmOperation> = {};
  let r = 0;
  recs.forEach((rec, i) => {
    const n = rec.calls.filter((c) => c.counted).length;
    const mine = regions.slice(r, r + n);
    r += n;
    const verified = !!lines[i]?.ok && mine.length === n && n > 0 && mine.every((x) => Number.isFinite(x.insns));
    const sum = (k: 'insns' | 'cmin' | 'cmax') => mine.reduce((s, x) => s + x[k], 0);
    out[rec.id] = verified
      ? { instructions: sum('insns'), cyclesMin: cycles ? sum('cmin') : null, cyclesMax: cycles ? sum('cmax') : null, verified: true }
      : { instructions: null, cyclesMin: null, cyclesMax: null, verified: false };
  });
  return out;
}

export function armRun(o: ArmOptions): ArmResult[] {
  checkTools(o.targets);
  for (const v of o.variants) for (const m of ['ue', 'usim'] as const) {
    const f = moduleFile(m, v);
    try { buildPath(`${f}.wasm`); } catch { throw new InputError('--variant', `${v} needs build/${f}.wasm (run npm run build)`); }
  }
  if (!existsSync(buildPath('ue_keys.h'))) throw new InputError('profile --target', 'needs build/ue_keys.h (run npm run build)');
  const recs = new Map<Variant, Recorded[]>();
  const results: ArmResult[] = [];
  for (const target of o.targets) {
    const versions = toolVersions(target);
    for (const checks of o.checks) for (const variant of o.variants) for (const opt of o.opts) {
      if (!recs.has(variant)) recs.set(variant, recordAll(variant, o.ops));
      const rec = recs.get(variant)!;
      const b = buildAndRun(target, checks, opt, variant, opsC(rec));
      results.push({
        target, checks, opt, variant,
        tools: { ...versions, cflags: b.cflags, counting: target === 'x86-64' ? 'callgrind --zero-before=marker_on --dump-before=marker_off (Ir)' : 'QEMU TCG plugin host/tools/arm/counter.c between marker_on and marker_off', ...(b.error ? { error: b.error } : {}) },
        modules: b.modules,
        operations: assemble(rec, b.regions, b.ops, target === 'cortex-m4'),
      });
    }
  }
  return results;
}

/** Executed wasm instructions of each operation on the instrumented module of a build (meter.ts). */
export function wasmCounts(variant: Variant, ops: Operation[]): Record<string, number> {
  const out: Record<string, number> = {};
  const cache = new Map<string, WebAssembly.Module>();
  for (const op of ops) {
    const f = moduleFile(op.module as 'ue' | 'usim', variant);
    if (!cache.has(f)) cache.set(f, new WebAssembly.Module(meterModule(wasmBytes(f)).wasm));
    const m = cache.get(f)!;
    const ex = new WebAssembly.Instance(m, {}).exports as Record<string, any>;
    const fw = new Firmware(ex as RawExports, m);
    op.setup?.(fw);
    ex.__icount_reset();
    op.run(fw);
    out[op.id] = Number(ex.__icount());
  }
  return out;
}

/** The issue's goals, on Cortex-M4 with masked checks: per operation at -O2 in the fast build,
 *  .text at -Os in the small build. */
export const ARM_GOALS = {
  operations: { 'kdf.key_reused': 6000, 'nia2.64B': 6000, 'tuak.f2345': 60000, 'milenage.f2345': 6000 } as Record<string, number>,
  text: { ue: 20 * 1024, usim: 8 * 1024 } as Record<'ue' | 'usim', number>,
};

const n = (x: number | null) => (x === null ? '—' : x.toLocaleString('en-US'));
const pad = (s: string, w: number) => (s.length >= w ? s : s + ' '.repeat(w - s.length));
const lpad = (s: string, w: number) => (s.length >= w ? s : ' '.repeat(w - s.length) + s);
const label = (r: ArmResult) => `${r.variant} ${r.checks} -${r.opt}`;

export function renderArm(results: ArmResult[]): string {
  const L: string[] = [];
  for (const target of [...new Set(results.map((r) => r.target))]) {
    const rs = results.filter((r) => r.target === target);
    L.push(`ue-keys profile --target ${target}`, '');
    const t = rs[0].tools;
    L.push('Tools (the counts depend on them):', ...Object.entries(t).filter(([k]) => k !== 'cflags').map(([k, v]) => `  ${k}: ${v}`));
    for (const r of rs) L.push(`  flags (${label(r)}): ${r.tools.cflags}`);
    const w = Math.max(...rs.map((r) => label(r).length), 28);
    L.push('', 'Module sizes in bytes: .text / .rodata / RAM (static data + instance + the 64 KiB page)');
    L.push(`  ${pad('module', 6)}  ${rs.map((r) => lpad(label(r), w)).join('  ')}`);
    for (const m of ['ue', 'usim'] as const) L.push(`  ${pad(m, 6)}  ${rs.map((r) => lpad(`${n(r.modules[m].text)} / ${n(r.modules[m].rodata)} / ${n(r.modules[m].ram)}`, w)).join('  ')}`);
    const cyc = target === 'cortex-m4';
    L.push('', `Executed ${target} instructions per operation (exact for these binaries; outputs equal V8's${cyc ? '; [cycles: Cortex-M4 TRM model, zero wait states]' : ''}; — = not verified)`);
    const ids = Object.keys(rs[0].operations);
    const iw = Math.max(...ids.map((k) => k.length), 9);
    L.push(`  ${pad('operation', iw)}  ${rs.map((r) => lpad(label(r), w)).join('  ')}`);
    for (const id of ids) {
      L.push(`  ${pad(id, iw)}  ${rs.map((r) => {
        const o = r.operations[id];
        return lpad(o.verified ? `${n(o.instructions)}${cyc ? ` [${n(o.cyclesMin)}–${n(o.cyclesMax)}]` : ''}` : '— (not verified)', w);
      }).join('  ')}`);
    }
    if (target === 'cortex-m4') {
      const goals: string[] = [];
      for (const [id, limit] of Object.entries(ARM_GOALS.operations)) {
        const r = rs.find((x) => x.variant === 'fast' && x.checks === 'mask' && x.opt === 'O2');
        const o = r?.operations[id];
        if (o) goals.push(`  ${pad(id, iw)} fast mask -O2 ≤ ${n(limit)}: ${o.verified ? `${n(o.instructions)} ${o.instructions! <= limit ? 'met' : 'NOT met'}` : 'not verified'}`);
      }
      const s = rs.find((x) => x.variant === 'small' && x.checks === 'mask' && x.opt === 'Os');
      if (s) for (const m of ['ue', 'usim'] as const) goals.push(`  ${pad(m, iw)} .text small mask -Os ≤ ${n(ARM_GOALS.text[m])} B: ${n(s.modules[m].text)} B ${s.modules[m].text <= ARM_GOALS.text[m] ? 'met' : 'NOT met'}`);
      if (goals.length) L.push('', 'Goals (issue 15)', ...goals);
    }
    const errs = rs.filter((r) => r.tools.error);
    for (const r of errs) L.push('', `${label(r)}: the run stopped: ${r.tools.error}`);
    L.push('');
  }
  return L.join('\n');
}

/** --compare: wasm instructions next to each target's, with the target/wasm ratio, per build. */
export function renderCompare(results: ArmResult[], wasm: Record<Variant, Record<string, number>>): string {
  const L: string[] = ['Executed instructions: wasm (metered module) vs each target (outputs equal V8\'s); ratio = target / wasm', ''];
  for (const variant of [...new Set(results.map((r) => r.variant))]) {
    const rs = results.filter((r) => r.variant === variant);
    const ids = Object.keys(rs[0].operations);
    const iw = Math.max(...ids.map((k) => k.length), 9);
    const cols = rs.map((r) => `${r.target} ${r.checks} -${r.opt}`);
    const w = Math.max(...cols.map((c) => c.length), 16);
    L.push(`${variant} build`, `  ${pad('operation', iw)}  ${lpad('wasm', 9)}  ${cols.map((c) => lpad(c, w)).join('  ')}`);
    for (const id of ids) {
      const wv = wasm[variant]?.[id];
      L.push(`  ${pad(id, iw)}  ${lpad(n(wv ?? null), 9)}  ${rs.map((r) => {
        const o = r.operations[id];
        return lpad(o.verified && wv ? `${n(o.instructions)} (${(o.instructions! / wv).toFixed(2)})` : '—', w);
      }).join('  ')}`);
    }
    L.push('');
  }
  return L.join('\n');
}
