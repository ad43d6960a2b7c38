// fast-check generators shared by the campaigns: a good set of derivation inputs, and one
// mutation that makes it bad in a way the contract says must be refused with the field named.
import fc from 'fast-check';
import { DERIVE_CASES, PROTO_NAMES, type DerivationCase, type FlagGen } from './oracle.js';

const hexOf = (n: number) => fc.uint8Array({ minLength: n, maxLength: n }).map((b) => Buffer.from(b).toString('hex'));
const snn = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 999 }), fc.integer({ min: 0, max: 999 })).map(([n, c]) => `5G:mnc${String(n).padStart(3, '0')}.mcc${String(c).padStart(3, '0')}.3gppnetwork.org`),
  // printable ASCII (NFKC leaves it alone, so the reference's plain UTF-8 is the expected encoding)
  fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 60 }),
);
const supi = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 6, maxLength: 15 }).map((d) => d.join(''));

export function goodValue(g: FlagGen): fc.Arbitrary<string | number> {
  if (g.kind === 'hex') return hexOf(g.len);
  if (g.kind === 'int') return fc.integer({ min: g.min, max: g.max });
  return g.what === 'snn' ? snn : supi;
}

export const goodArgs = (d: DerivationCase): fc.Arbitrary<Record<string, string | number>> =>
  fc.record(Object.fromEntries(Object.entries(d.flags).map(([k, g]) => [k, goodValue(g)])));

/** What was broken: a flag's value, a missing flag, an extra flag, or the derivation's name. */
export type Mutation =
  | { kind: 'none' }
  | { kind: 'value'; flag: string; how: string; value: unknown }
  | { kind: 'drop'; flag: string }
  | { kind: 'extra'; flag: string }
  | { kind: 'name'; name: string };

const NON_HEX = ['g', 'G', 'z', 'x', '-', '.', '!', 'ü', '%'];

/** Bad values for one flag, as strings (argv) or any JSON value (batch/API also get non-strings). */
export function badValue(g: FlagGen, good: string | number, anyType: boolean): fc.Arbitrary<{ how: string; value: unknown }> {
  const opts: fc.Arbitrary<{ how: string; value: unknown }>[] = [];
  const c = <T>(how: string, value: T) => fc.constant({ how, value });
  if (g.kind === 'hex') {
    const s = String(good);
    const [min, max] = g.range ?? [g.len, g.len];
    opts.push(c('odd digit count', s.slice(0, -1)));
    if (min > 1) opts.push(c('one byte short', s.slice(0, 2 * (min - 1))));
    opts.push(c('too long', max === g.len ? s + '00' : s + '00'.repeat(max + 1 - g.len)));
    opts.push(fc.tuple(fc.integer({ min: 0, max: s.length - 1 }), fc.constantFrom(...NON_HEX)).map(([i, ch]) => ({ how: 'non-hex character', value: s.slice(0, i) + ch + s.slice(i + 1) })));
    if (min > 0) opts.push(c('empty', ''));
  } else if (g.kind === 'int') {
    opts.push(c('above range', g.max + 1), c('negative', -1), c('fraction', '1.5'), c('not a number', 'abc'), c('huge', '99999999999999999999'), c('empty', ''));
  } else {
    opts.push(c('empty', ''), c('5,000 characters', 'a'.repeat(5000)));
  }
  if (anyType) opts.push(c('null', null), c('array', [good]), c('object', {}), c('boolean', true), ...(g.kind !== 'int' ? [c('number', 12345)] : []));
  return fc.oneof(...opts);
}

export interface DeriveCase { d: DerivationCase; args: Record<string, string | number>; mut: Mutation }

/** A derivation with good inputs and (mostly) one mutation. */
export function deriveCase(anyType: boolean): fc.Arbitrary<DeriveCase> {
  return fc.constantFrom(...DERIVE_CASES).chain((d) => goodArgs(d).chain((args) => {
    const flags = Object.keys(d.flags);
    const mut: fc.Arbitrary<Mutation> = fc.oneof(
      { weight: 3, arbitrary: fc.constant<Mutation>({ kind: 'none' }) },
      { weight: 6, arbitrary: fc.constantFrom(...flags).chain((flag) => badValue(d.flags[flag], args[flag], anyType).map(({ how, value }): Mutation => ({ kind: 'value', flag, how, value }))) },
      { weight: 1, arbitrary: fc.constantFrom(...flags).map((flag): Mutation => ({ kind: 'drop', flag })) },
      { weight: 1, arbitrary: fc.constantFrom(...PROTO_NAMES, 'kamf2', 'K', 'op').map((flag): Mutation => ({ kind: 'extra', flag })) },
      { weight: 1, arbitrary: fc.constantFrom(...PROTO_NAMES, 'KAMF', 'kamf ', '').map((name): Mutation => ({ kind: 'name', name })) },
    );
    return mut.map((m) => ({ d, args, mut: m }));
  }));
}

/** The inputs after the mutation (flag → value), and the name to ask for. */
export function applyMutation(c: DeriveCase): { name: string; flags: Record<string, unknown> } {
  const flags: Record<string, unknown> = { ...c.args };
  const m = c.mut;
  if (m.kind === 'value') flags[m.flag] = m.value;
  if (m.kind === 'drop') delete flags[m.flag];
  if (m.kind === 'extra') Object.defineProperty(flags, m.flag, { value: '01', enumerable: true, writable: true, configurable: true });
  return { name: m.kind === 'name' ? m.name : c.d.name, flags };
}

/** The field the refusal must name (CLI/batch spelling). */
export function fieldOf(m: Mutation): string | undefined {
  if (m.kind === 'value' || m.kind === 'drop' || m.kind === 'extra') return `--${m.flag}`;
  if (m.kind === 'name') return 'NAME';
  return undefined;
}

/** Secret inputs of a case (good values of secret flags and any mutated value derived from them). */
export function secretsOf(c: DeriveCase): string[] {
  const out: string[] = [];
  for (const [k, g] of Object.entries(c.d.flags)) if (g.kind === 'hex' && g.secret) out.push(String(c.args[k]));
  if (c.mut.kind === 'value' && typeof c.mut.value === 'string') {
    const g = c.d.flags[c.mut.flag];
    if (g.kind === 'hex' && g.secret) out.push(c.mut.value);
  }
  return out;
}
