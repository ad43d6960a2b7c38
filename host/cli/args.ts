/**
 * Command-line parsing for `ue-keys`: flags are `--name value` (or `--name=value`), repeated
 * flags collect, booleans take no value. Every problem becomes a UsageError that names the flag;
 * main.ts prints it as one line on stderr and exits with code 2.
 */
import { InputError } from '../errors.js';
import { fromHex } from '../hex.js';

export class UsageError extends InputError {}

/** Marks a value-taking flag given last on the line with no value. */
const MISSING = '\u0000missing';

export type FlagKind =
  | { kind: 'hex'; len?: number | readonly [number, number] }
  | { kind: 'num'; max?: number }
  | { kind: 'text' }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'bool' };

export type FlagSpec = FlagKind & { name: string; required?: boolean; repeat?: boolean; help?: string };

export interface Parsed { positionals: string[]; flags: Map<string, string[]>; }

/** Split argv into positionals and flags; flags named in `booleans` take no value. */
export function split(argv: string[], booleans: ReadonlySet<string>): Parsed {
  const positionals: string[] = [];
  const flags = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--') || a === '--') { positionals.push(a); continue; }
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    let value: string;
    if (booleans.has(name)) value = eq > 0 ? a.slice(eq + 1) : 'true';
    else if (eq > 0) value = a.slice(eq + 1);
    else if (i + 1 >= argv.length) value = MISSING; // reported by applySpecs, after unknown names
    else value = argv[++i];
    if (!flags.has(name)) flags.set(name, []);
    flags.get(name)!.push(value);
  }
  return { positionals, flags };
}

/** Parse a number given in decimal or 0x-hex, within [0, max]. */
export function parseNum(field: string, s: unknown, max = 0xffffffff): number {
  if (typeof s === 'number') {
    if (!Number.isInteger(s) || s < 0 || s > max) throw new UsageError(field, `must be an integer 0–${max}, got ${s}`, s);
    return s;
  }
  const str = String(s).trim();
  const v = /^0x[0-9a-f]+$/i.test(str) ? parseInt(str.slice(2), 16) : /^[0-9]+$/.test(str) ? parseInt(str, 10) : NaN;
  if (!Number.isSafeInteger(v)) throw new UsageError(field, `must be a number (decimal or 0x-hex), got ${JSON.stringify(str)}`, s);
  if (v > max) throw new UsageError(field, `must be 0–${max}, got ${str}`, s);
  return v;
}

/** Convert one raw flag value by its spec. */
export function convert(spec: FlagSpec, raw: unknown): unknown {
  const field = `--${spec.name}`;
  if (raw === MISSING) throw new UsageError(field, 'needs a value');
  switch (spec.kind) {
    case 'hex': {
      if (typeof raw !== 'string') throw new UsageError(field, `must be a hex string, got ${typeof raw}`, raw);
      const b = fromHex(raw, field);
      const len = spec.len;
      if (typeof len === 'number' && b.length !== len) throw new UsageError(field, `must be ${len} bytes, got ${b.length}`, raw);
      if (Array.isArray(len) && (b.length < len[0] || b.length > len[1])) throw new UsageError(field, `must be ${len[0]}–${len[1]} bytes, got ${b.length}`, raw);
      return b;
    }
    case 'num': return parseNum(field, raw, spec.max ?? 0xffffffff);
    case 'text':
      if (typeof raw !== 'string' || raw.length === 0) throw new UsageError(field, 'must be a non-empty string', raw);
      return raw;
    case 'enum': {
      const s = String(raw);
      if (!spec.values.includes(s)) throw new UsageError(field, `must be one of ${spec.values.join('|')}, got ${JSON.stringify(s)}`, raw);
      return s;
    }
    case 'bool': return raw === true || raw === 'true' || raw === '1';
  }
}

/** Apply specs to raw values (from argv or a batch object): unknown names, missing required
 *  flags and bad values are UsageErrors. Keys of the result are the flag names. */
export function applySpecs(specs: readonly FlagSpec[], raw: Map<string, unknown[]>, context: string): Record<string, any> {
  const out: Record<string, any> = {};
  for (const name of raw.keys()) {
    if (!specs.some((s) => s.name === name)) throw new UsageError(`--${name}`, `is not a flag of ${context} (flags: ${specs.map((s) => '--' + s.name).join(' ') || 'none'})`);
  }
  for (const s of specs) {
    const vals = raw.get(s.name);
    if (!vals || vals.length === 0) {
      if (s.required) throw new UsageError(`--${s.name}`, `is required for ${context}`);
      continue;
    }
    if (!s.repeat && vals.length > 1) throw new UsageError(`--${s.name}`, 'given more than once');
    out[s.name] = s.repeat ? vals.map((v) => convert(s, v)) : convert(s, vals[0]);
  }
  return out;
}

/** Usage line for a spec list. */
export function usage(specs: readonly FlagSpec[]): string {
  return specs.map((s) => {
    const v = s.kind === 'bool' ? '' : s.kind === 'enum' ? ` ${s.values.join('|')}` : s.kind === 'num' ? ' N' : s.kind === 'hex' ? ' HEX' : ' TEXT';
    const f = `--${s.name}${v}${s.repeat ? '...' : ''}`;
    return s.required ? f : `[${f}]`;
  }).join(' ');
}
