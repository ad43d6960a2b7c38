/**
 * Command-line parsing for `ue-keys`: flags are `--name value` (or `--name=value`), repeated
 * flags collect, booleans take no value. Every problem becomes a UsageError that names the flag;
 * main.ts prints it as one line on stderr and exits with code 2. Messages never repeat a value
 * that may be a key: hex flags are described by their shape (digits, non-hex characters).
 */
import { InputError, shown } from '../errors.js';
import { fromHex, hexShape } from '../hex.js';

export class UsageError extends InputError {}

/** Longest text flag (--snn, --supi, …) in UTF-8 bytes. A modelling choice, not a 3GPP limit: an
 *  SNN or NAI this long is already far past anything real, and it keeps every request inside the
 *  module's 4096-byte mailbox so the error names the flag, not the mailbox. */
export const TEXT_MAX = 1024;

/** A positional argument that is not expected, named by position (its text may be a key given
 *  after a switch such as --json). */
export function unexpected(context: string, value: string): UsageError {
  return new UsageError(shown(value), `is not an argument of ${context}`);
}

/** Marks a value-taking flag given last on the line with no value. */
const MISSING = '\u0000missing';

export type FlagKind =
  | { kind: 'hex'; len?: number | readonly [number, number] }
  | { kind: 'num'; max?: number }
  | { kind: 'text'; max?: number }
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
    if (booleans.has(name)) {
      // A switch takes no value: `--json=yes` (or =false) is refused, not read as false.
      if (eq > 0) throw new UsageError(`--${name}`, 'takes no value (write --' + name + ' alone)');
      value = 'true';
    }
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
  if (typeof s !== 'string') throw new UsageError(field, `must be a number (decimal or 0x-hex), got ${s === null ? 'null' : Array.isArray(s) ? 'an array' : typeof s}`);
  const str = s.trim();
  const v = /^0x[0-9a-f]+$/i.test(str) ? parseInt(str.slice(2), 16) : /^[0-9]+$/.test(str) ? parseInt(str, 10) : NaN;
  if (!Number.isSafeInteger(v)) throw new UsageError(field, `must be a number (decimal or 0x-hex), got ${shown(str)}`, s);
  if (v > max) throw new UsageError(field, `must be 0–${max}, got ${str.length <= 24 ? str : `a ${str.length}-digit number`}`, s);
  return v;
}

/** Convert one raw flag value by its spec. */
export function convert(spec: FlagSpec, raw: unknown): unknown {
  const field = `--${spec.name}`;
  if (raw === MISSING) throw new UsageError(field, 'needs a value');
  switch (spec.kind) {
    case 'hex': {
      if (typeof raw !== 'string') throw new UsageError(field, `must be a hex string, got ${raw === null ? 'null' : Array.isArray(raw) ? 'an array' : typeof raw}`);
      const len = spec.len;
      const body = raw.replace(/\s+/g, '').replace(/^0x/i, '');
      if (!/^[0-9a-fA-F]*$/.test(body)) {
        // e.g. "--k must be 32 hex digits, got 31 hex digits and 1 non-hex character"
        const want = typeof len === 'number' ? `${2 * len} hex digits` : Array.isArray(len) ? `${2 * len[0]}–${2 * len[1]} hex digits` : 'hex';
        throw new UsageError(field, `must be ${want}, got ${hexShape(body)}`);
      }
      if (typeof len === 'number' && body.length % 2 === 1) throw new UsageError(field, `must be ${2 * len} hex digits (${len} bytes), got ${body.length} digits`);
      const b = fromHex(body, field);
      if (typeof len === 'number' && b.length !== len) throw new UsageError(field, `must be ${len} bytes, got ${b.length}`);
      if (Array.isArray(len) && (b.length < len[0] || b.length > len[1])) throw new UsageError(field, `must be ${len[0]}–${len[1]} bytes, got ${b.length}`);
      return b;
    }
    case 'num': return parseNum(field, raw, spec.max ?? 0xffffffff);
    case 'text':
      if (typeof raw !== 'string' || raw.length === 0) throw new UsageError(field, 'must be a non-empty string', raw);
      if (Buffer.byteLength(raw) > (spec.max ?? TEXT_MAX)) throw new UsageError(field, `must be at most ${spec.max ?? TEXT_MAX} bytes (UTF-8), got ${Buffer.byteLength(raw)}`);
      return raw;
    case 'enum': {
      // a batch line may give a numeric choice as a number ("mac_bits": 64)
      if (typeof raw !== 'string' && typeof raw !== 'number') throw new UsageError(field, `must be one of ${spec.values.join('|')}, got ${raw === null ? 'null' : Array.isArray(raw) ? 'an array' : typeof raw}`);
      const s = String(raw);
      if (!spec.values.includes(s)) throw new UsageError(field, `must be one of ${spec.values.join('|')}, got ${shown(s)}`, raw);
      return s;
    }
    case 'bool':
      if (raw === true || raw === 'true') return true;
      if (raw === false || raw === 'false') return false;
      throw new UsageError(field, `must be true or false, got ${shown(raw)}`);
  }
}

/** Apply specs to raw values (from argv or a batch object): unknown names, missing required
 *  flags and bad values are UsageErrors. Keys of the result are the flag names. */
export function applySpecs(specs: readonly FlagSpec[], raw: Map<string, unknown[]>, context: string): Record<string, any> {
  const out: Record<string, any> = {};
  for (const name of raw.keys()) {
    if (!specs.some((s) => s.name === name)) throw new UsageError(`--${name.length <= 40 ? name : name.slice(0, 20) + '…'}`, `is not a flag of ${context} (flags: ${specs.map((s) => '--' + s.name).join(' ') || 'none'})`);
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
