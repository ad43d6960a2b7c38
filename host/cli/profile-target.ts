/**
 * The command line of `ue-keys profile --target …` (issue 15): flags, defaults and output. The
 * measurement itself is host/inspect/arm-profile.ts (builds and runs: arm-toolchain.ts; the V8
 * record: arm-record.ts). Dispatched from profile-command.ts when --target is given.
 */
import { UsageError, applySpecs, split, unexpected, type FlagSpec } from './args.js';
import { OPERATIONS } from '../inspect/operations.js';
import { VARIANTS, armRun, renderArm, renderCompare, wasmCounts, type ArmOptions } from '../inspect/arm-profile.js';
import type { Variant } from '../inspect/arm-record.js';
import { CHECKS, OPTS, TARGETS, type Checks, type Opt, type Target } from '../inspect/arm-toolchain.js';

const FLAGS: FlagSpec[] = [
  { name: 'target', kind: 'text', help: 'cortex-m4|cortex-m33|cortex-a7|x86-64, or a comma list, or all' },
  { name: 'checks', kind: 'enum', values: CHECKS },
  { name: 'opt', kind: 'enum', values: OPTS },
  { name: 'variant', kind: 'enum', values: VARIANTS },
  { name: 'ops', kind: 'text', help: 'comma list of operation ids (default: every operation)' },
  { name: 'json', kind: 'bool' },
  { name: 'compare', kind: 'bool' },
];
export const ARM_USAGE = 'ue-keys profile --target cortex-m4|cortex-m33|cortex-a7|x86-64[,…]|all [--checks stock|mask|none] [--opt Os|O2] [--variant small|fast] [--ops ID,…] [--json] [--compare]';

export function parseArmArgs(argv: string[]): ArmOptions {
  const p = split(argv, new Set(['json', 'compare']));
  if (p.positionals.length) throw unexpected('profile', p.positionals[0]);
  const a = applySpecs(FLAGS, p.flags, 'profile --target');
  const raw = String(a.target ?? 'cortex-m4');
  const targets = (raw === 'all' ? [...TARGETS] : raw.split(',').map((t) => t.trim())) as Target[];
  for (const t of targets) if (!TARGETS.includes(t)) throw new UsageError('--target', `must be ${TARGETS.join('|')} (or a comma list, or all), got ${t.length <= 20 ? JSON.stringify(t) : 'a long value'}`);
  if (new Set(targets).size !== targets.length) throw new UsageError('--target', 'lists a target twice');
  let ops = OPERATIONS;
  if (a.ops !== undefined) {
    const ids = String(a.ops).split(',').map((s) => s.trim());
    for (const id of ids) if (!OPERATIONS.some((o) => o.id === id)) throw new UsageError('--ops', `names an unknown operation ${id.length <= 40 ? JSON.stringify(id) : '(long value)'} (ue-keys profile --json lists them)`);
    ops = OPERATIONS.filter((o) => ids.includes(o.id));
  }
  const checks: Checks[] = a.checks ? [a.checks] : ['mask'];
  const opts: Opt[] = a.opt ? [a.opt] : [...OPTS];
  const variants: Variant[] = a.variant ? [a.variant] : [...VARIANTS];
  return { targets, checks, opts, variants, ops, json: !!a.json, compare: !!a.compare, single: !!(a.checks && a.opt && a.variant) && targets.length === 1 };
}

/** JSON in the key order (operations keep the order of operations.ts). */
function json(v: unknown): string { return JSON.stringify(v, null, 1); }

export function armProfile(argv: string[]): number {
  const o = parseArmArgs(argv);
  const results = armRun(o);
  if (o.json) {
    const shaped = results.map((r) => ({ target: r.target, checks: r.checks, opt: r.opt, variant: r.variant, tools: r.tools, modules: r.modules, operations: r.operations }));
    const out: unknown = o.single ? shaped[0] : shaped;
    if (o.compare) {
      const wasm = Object.fromEntries(o.variants.map((v) => [v, wasmCounts(v, o.ops)]));
      console.log(json({ results: out, wasm }));
    } else console.log(json(out));
  } else {
    console.log(renderArm(results));
    if (o.compare) console.log(renderCompare(results, Object.fromEntries(o.variants.map((v) => [v, wasmCounts(v, o.ops)])) as Record<Variant, Record<string, number>>));
  }
  const bad = results.some((r) => Object.values(r.operations).some((x) => !x.verified));
  return bad ? 1 : 0;
}
