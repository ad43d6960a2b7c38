/**
 * `ue-keys kdf` and `ue-keys derive`, plus their batch ops. Output: hex (one key) or `name hex`
 * lines; with --json one object keyed by the output names.
 */
import { loadSync } from '../index.js';
import type { KeyDerivation } from '../firmware/keys.js';
import { toHex } from '../hex.js';
import { shown } from '../errors.js';
import { applySpecs, split, unexpected, usage, UsageError, type FlagSpec } from './args.js';
import { DERIVATIONS, derivationByName } from './derivations.js';
import type { Command, BatchOp } from './registry.js';

let api: KeyDerivation | undefined;
/** The ME module, instantiated once per process. */
export const ueApi = (): KeyDerivation => (api ??= loadSync());

const KDF_FLAGS: FlagSpec[] = [
  { name: 'key', kind: 'hex', required: true },
  { name: 'fc', kind: 'num', max: 0xff, required: true },
  { name: 'param', kind: 'hex', repeat: true },
];

/** Hex-encode every Uint8Array value of a result object. */
export const hexAll = (r: Record<string, Uint8Array>): Record<string, string> =>
  Object.fromEntries(Object.entries(r).map(([k, v]) => [k, toHex(v)]));

/** Print a result: JSON object, a single hex value, or aligned `name hex` lines. */
export function printResult(r: Record<string, string>, json: boolean): void {
  const keys = Object.keys(r);
  if (json) console.log(JSON.stringify(r));
  else if (keys.length === 1) console.log(r[keys[0]]);
  else { const w = Math.max(...keys.map((k) => k.length)); for (const k of keys) console.log(`${k.padEnd(w)}  ${r[k]}`); }
}

function runKdf(a: Record<string, any>): Record<string, string> {
  return { output: toHex(ueApi().kdf(a.key, a.fc, a.param ?? [])) };
}

export const kdfCommand: Command = {
  name: 'kdf',
  summary: 'TS 33.220 B.2 KDF: HMAC-SHA-256(key, FC ‖ P0 ‖ L0 ‖ …), prints 32 bytes as hex',
  usage: `ue-keys kdf ${usage(KDF_FLAGS)} [--json]`,
  run(argv) {
    const p = split(argv, new Set(['json', 'help']));
    const json = p.flags.has('json'); p.flags.delete('json');
    if (p.positionals.length) throw unexpected('kdf', p.positionals[0]);
    const r = runKdf(applySpecs(KDF_FLAGS, p.flags, 'kdf'));
    if (json) console.log(JSON.stringify(r)); else console.log(r.output);
    return 0;
  },
};

function deriveHelp(): string {
  const lines = ['ue-keys derive NAME [--flag VALUE]... [--json]', '', 'Names, clauses and flags (numbers: decimal or 0x-hex; keys: hex):'];
  for (const d of DERIVATIONS) lines.push(`  ${d.name.padEnd(16)} ${d.clause.padEnd(30)} ${usage(d.flags)}`);
  lines.push('', 'SUPI: IMSI digits or NAI; an imsi-/nai- prefix is removed (TS 33.501 A.7.0).');
  return lines.join('\n');
}

export const deriveCommand: Command = {
  name: 'derive',
  summary: 'one TS 33.501 / TS 33.401 Annex A derivation (ue-keys derive --help lists them)',
  usage: 'ue-keys derive NAME [--flag VALUE]... [--json]',
  run(argv) {
    const p = split(argv, new Set(['json', 'help']));
    if (p.flags.has('help')) { console.log(deriveHelp()); return 0; }
    // no NAME: usage on stderr, exit 2 (issue 17)
    if (p.positionals.length === 0) { process.stderr.write(deriveHelp() + '\n'); return 2; }
    const json = p.flags.has('json'); p.flags.delete('json');
    const [name, ...extra] = p.positionals;
    if (extra.length) throw unexpected(`derive ${name}`, extra[0]);
    printResult(derive(name, p.flags), json);
    return 0;
  },
};

function derive(name: unknown, raw: Map<string, unknown[]>): Record<string, string> {
  const d = typeof name === 'string' ? derivationByName(name) : undefined;
  if (!d) throw new UsageError('NAME', `must be one of ${DERIVATIONS.map((x) => x.name).join(', ')}, got ${shown(name)}`);
  return hexAll(d.run(ueApi(), applySpecs(d.flags, raw, `derive ${d.name}`)));
}

/** Batch args come as an object {flag: value}; a leading "--" on a key is accepted. Each value is
 *  one flag value: an array is refused by the flag's own check (only "params" of kdf is a list). */
export function objectToFlags(args: unknown): Map<string, unknown[]> {
  if (args === undefined) return new Map();
  if (typeof args !== 'object' || args === null || Array.isArray(args)) throw new UsageError('args', 'must be an object of flag: value');
  const m = new Map<string, unknown[]>();
  for (const [k, v] of Object.entries(args)) m.set(k.replace(/^--/, ''), [v]);
  return m;
}

/** A batch object holds only the op's own fields: a misspelt one ("param") is refused, not ignored. */
function onlyFields(o: Record<string, unknown>, fields: readonly string[], op: string): void {
  for (const k of Object.keys(o)) if (!fields.includes(k)) throw new UsageError(shown(k), `is not a field of ${op} (fields: ${fields.slice(1).join(', ')})`);
}

export const kdfBatchOps: BatchOp[] = [
  { op: 'kdf', run: (o) => {
    // "params" must be a list: a bare string ("0001") would silently be one parameter (issue 17).
    if (o.params !== undefined && !Array.isArray(o.params)) throw new UsageError('params', `must be an array of hex strings, got ${shown(o.params)}`);
    onlyFields(o, ['op', 'key', 'fc', 'params'], 'kdf');
    const raw = objectToFlags({ key: o.key, fc: o.fc });
    if (o.params !== undefined) raw.set('param', o.params);
    return runKdf(applySpecs(KDF_FLAGS, raw, 'kdf'));
  } },
  { op: 'derive', run: (o) => { onlyFields(o, ['op', 'name', 'args'], 'derive'); return derive(o.name, objectToFlags(o.args)); } },
];
