// The firmware mutation runner's schemata (issue 16; host/tools/mutation/schema.mjs): one build
// holds all of a file's mutants behind a switch, and the runner trusts the switch at k to behave
// as mutant k's own build. This checks that against the thing it stands for: each mutant of a
// small AssemblyScript file compiled on its own with asc, run over the same inputs, must give the
// same results and the same memory as the schema build with the switch at k — and the switch at
// 0 the same as the unmutated file. The file uses every operator the runner generates.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-ignore: plain ESM of the mutation runner
import { applyMutant, idOf, mutantsOf } from '../../host/tools/mutation/mutants.mjs';
// @ts-ignore: plain ESM of the mutation runner
import { buildSchema, renderSchema, sitesOf, switchOffset, withSwitch } from '../../host/tools/mutation/schema.mjs';
// @ts-ignore: the compiler's own API (no types shipped for the ESM entry)
import asc from 'assemblyscript/asc';

const FILE = 'assembly/t.ts';
const SOURCE = `// a file in the firmware's style: numbers, comparisons, +/-, ++/--, +=, calls, flags, wipes
const SIZE: u32 = 8; // top level: not switched (a constant may size a region)
let G64: u64 = 11; // an i64 global whose init holds the octet 0x0b (the end opcode) before the switch

@inline function twice(x: u32): u32 { return x + x; }

function wipe(ptr: usize, len: usize): void {
  for (let i: usize = 0; i < len; i++) store<u8>(ptr + i, 0);
}

function mix(a: u32, b: u32): u32 { return (a << 3) ^ (b + 0x2f); }

export function f(a: u32, b: u32, keep: bool): u32 {
  let r: u32 = 0;
  if (a < b) r = a + 1; else r = b - 2;
  for (let i: u32 = 0; i <= 3; i++) r += i;
  store<u8>(64, <u8>mix(a, b));
  store<u32>(68, r);
  store<u8>(72, 0x5a);
  if (!keep) wipe(68, SIZE);
  if (keep) wipe(80, 4); else wipe(84, 4);
  let big = 0x7fffffff; // a literal at the top of i32's range: built alone (the ternary would widen it)
  big += 1;
  r += <u32>G64 + twice(a) + <u32>(big >> 28); // (arithmetic: i32 wraps negative, an i64 would not)
  let n: u32 = 5;
  // every loop stays bounded under every mutant (n-- → n++ must not spin 2^32 times)
  for (let j: u32 = 0; j < 3 && n > 2; j++) n--;
  const flag = a >= 7 ? true : false;
  return r * 16 + n + (flag ? 1 : 0) + load<u8>(64);
}

// what f leaves in memory (the module exports none): the wipe shows here
export function read(): u32 { return load<u32>(68) ^ (<u32>load<u8>(72) << 24) ^ (load<u32>(80) << 3) ^ (load<u32>(84) << 7); }
`;

async function compile(dir: string, out: string): Promise<Uint8Array> {
  const errs: string[] = [];
  const stream = { write: (s: string) => { errs.push(String(s)); return true; } };
  const r = await asc.main([FILE, '--baseDir', dir, '--optimizeLevel', '0', '--shrinkLevel', '0', '--runtime', 'stub',
    '--initialMemory', '1', '--maximumMemory', '1', '--noExportMemory', '-o', out], { stdout: stream, stderr: stream });
  if (r.error) throw new Error(`asc: ${errs.join('').slice(0, 400)}`);
  return new Uint8Array(readFileSync(join(dir, out)));
}


/** f over a grid of inputs: each result with what the call left in memory, or the trap. */
function runGrid(bytes: Uint8Array): string {
  const out: string[] = [];
  for (const a of [0, 1, 6, 7, 8, 200]) for (const b of [0, 1, 7, 9, 255]) for (const keep of [0, 1]) {
    const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), {}) as unknown as { exports: { f: (a: number, b: number, k: number) => number; read: () => number } };
    try { out.push(`${inst.exports.f(a, b, keep) >>> 0}/${inst.exports.read() >>> 0}`); } catch (e) { out.push(`trap ${(e as Error).message}`); }
  }
  return out.join(',');
}

describe('mutant schemata (host/tools/mutation/schema.mjs): the switch at k is mutant k', () => {
  let dir = '';
  type Mutant = { op: string; line: number; col: number; from: string; to: string };
  let mutants: Mutant[] = [];
  let schema: Uint8Array, at = -1, switched = new Map<number, number>();
  const alone = new Map<number, string>();
  let original = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ue-keys-schema-'));
    mkdirSync(join(dir, 'assembly'));
    const src = SOURCE;
    mutants = mutantsOf(FILE, src);
    writeFileSync(join(dir, FILE), src);
    original = runGrid(await compile(dir, 'orig.wasm'));
    const si = await sitesOf(FILE, src, mutants);
    const { text } = renderSchema(src, mutants, si.sites);
    // the test's own window on the switch (not part of what the runner renders)
    writeFileSync(join(dir, FILE), `${text}\nexport function sw(): i32 { return __mutant; }\n`);
    schema = await compile(dir, 'schema.wasm');
    at = switchOffset(schema);
    mutants.forEach((_, i) => { if (si.siteOfMutant[i]) switched.set(i, i + 1); });
    for (const i of switched.keys()) {
      writeFileSync(join(dir, FILE), applyMutant(mutants[i], src));
      try { alone.set(i, runGrid(await compile(dir, `m${i}.wasm`))); } catch { alone.set(i, 'invalid'); }
    }
  }, 300_000);
  afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  it('finds the switch in the global section (past an i64 global holding 0x0b) and patches any k', () => {
    expect(at).toBeGreaterThan(8);
    for (const k of [0, 1, 127, 128, 300, 16384, 2 ** 28 + 5]) {
      const inst = new WebAssembly.Instance(new WebAssembly.Module(withSwitch(schema, at, k)), {}) as unknown as { exports: { sw: () => number } };
      expect(inst.exports.sw()).toBe(k);
    }
  });

  it('builds alone exactly the top-level mutants and the literals at the top of i32', () => {
    // outside function bodies: the top-level SIZE and G64 lines, and swapped parameter
    // declarations (`function mix(a: u32, b: u32)` — the runner's swap also matches those)
    const topLevel = new Set(SOURCE.split('\n').flatMap((l, i) => (/^(const|let) /.test(l) ? [i + 1] : [])));
    expect(topLevel.size).toBe(2);
    const expectedAlone = mutants
      .filter((m) => topLevel.has(m.line) || (m.op === 'swap-args' && m.from.includes(': '))
        || (m.op === 'number' && Math.max(Number(m.from), Number(m.to)) >= 0x7fffffff))
      .map((m) => idOf(m)).sort();
    const builtAlone = mutants.filter((_, i) => !switched.has(i)).map((m) => idOf(m)).sort();
    expect(builtAlone).toEqual(expectedAlone);
  });

  it('switches every operator kind', () => {
    const kinds = new Set([...switched.keys()].map((i) => mutants[i].op));
    expect([...kinds].sort()).toEqual(['arith', 'bool', 'compare', 'number', 'remove-statement', 'swap-args']);
    // the top-level constant is built alone
    expect([...switched.keys()].some((i) => mutants[i].line === 2)).toBe(false);
  });

  it('with the switch at 0 the schema build behaves as the unmutated file', () => {
    expect(runGrid(withSwitch(schema, at, 0))).toBe(original);
  });

  it('with the switch at k it behaves as mutant k compiled alone, for every switched mutant', () => {
    const differ: string[] = [];
    let observable = 0;
    for (const [i, k] of switched) {
      const want = alone.get(i)!;
      if (want === 'invalid') continue;
      if (want !== original) observable++;
      const got = runGrid(withSwitch(schema, at, k));
      if (got !== want) differ.push(idOf(mutants[i]));
    }
    expect(differ).toEqual([]);
    // the check has teeth: most mutants change what f returns or leaves in memory
    expect(observable).toBeGreaterThan(switched.size / 2);
  });
});

// The runner's per-file loop (buildSchema) with a stand-in compiler, so each way out is reached on
// purpose: a compile error that names a site drops that site and compiles again; an error the
// schema cannot place, a module without the switch or a layout that moved gives no schema (every
// mutant of the file is then built alone); a compiler that keeps failing is tried a bounded
// number of times. The real asc compiles are the describe block above.
describe('buildSchema: the compile-error loop (the runner\'s schemaFor)', () => {
  const SWITCH_INIT = [0x41, 0xf0, 0xff, 0xff, 0xff, 0x07, 0x0b]; // i32.const 0x7ffffff0; end
  const moduleBytes = () => Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x06, ...SWITCH_INIT, 0x00]);
  let mutants: any[], sites: any;
  beforeAll(async () => {
    mutants = mutantsOf(FILE, SOURCE);
    sites = await sitesOf(FILE, SOURCE, mutants);
  });
  /** asc's error text for a position of the schema text. */
  const errorAt = (text: string, off: number) => {
    const before = text.slice(0, off).split('\n');
    return `ERROR TS2322: Type 'i64' is not assignable to type 'i32'.\n   :\n in ${FILE}(${before.length},${before[before.length - 1].length + 1})\n`;
  };
  const base = () => ({ file: FILE, text: SOURCE, mutants, sites, mods: ['m1', 'm2'], idOf, layoutDiffers: () => false });

  it('an error inside a site drops that site only: its mutants are not switched, the others are, and both modules are compiled again', async () => {
    const { text: first, spans } = renderSchema(SOURCE, mutants, sites.sites, new Set());
    const [victim, [start]] = [...spans].find(([key]) => mutants.filter((_: unknown, i: number) => sites.siteOfMutant[i] === key).length > 0)!;
    const calls: string[] = [];
    const r = await buildSchema({
      ...base(),
      compile: async (text: string, mod: string) => {
        calls.push(mod);
        return calls.length === 1 ? { errors: errorAt(first, start) } : { bytes: moduleBytes() };
      },
    });
    expect(calls).toEqual(['m1', 'm1', 'm2']);
    expect([...r.dropped]).toEqual([victim]);
    const victims = mutants.filter((_: unknown, i: number) => sites.siteOfMutant[i] === victim).map(idOf);
    expect(victims.length).toBeGreaterThan(0);
    for (const id of victims) expect(r.ids.has(id)).toBe(false);
    const kept = mutants.filter((_: unknown, i: number) => sites.siteOfMutant[i] && sites.siteOfMutant[i] !== victim);
    expect(r.ids.size).toBe(kept.length);
    for (const m of kept) expect(r.ids.get(idOf(m))).toBe(mutants.indexOf(m) + 1);
    expect(r.at).toEqual({ m1: 6, m2: 6 });
  });
  it('an error in another file gives no schema', async () => {
    const r = await buildSchema({ ...base(), compile: async () => ({ errors: 'ERROR TS2304: Cannot find name.\n in assembly/other.ts(3,5)\n' }) });
    expect(r).toBeNull();
  });
  it('a warning alone (no ERROR block) is not taken for a site\'s error: no schema, not a wrong drop', async () => {
    const r = await buildSchema({ ...base(), compile: async () => ({ errors: `WARNING AS201: Conversion.\n in ${FILE}(14,3)\n` }) });
    expect(r).toBeNull();
  });
  it('a module without the switch, or one whose layout moved with the switch at 0, gives no schema', async () => {
    expect(await buildSchema({ ...base(), compile: async () => ({ bytes: Uint8Array.of(0, 0x61, 0x73, 0x6d) }) })).toBeNull();
    const seen: number[] = [];
    const moved = await buildSchema({
      ...base(), compile: async () => ({ bytes: moduleBytes() }),
      layoutDiffers: (bytes: Uint8Array) => { seen.push(switchOffset(bytes)); return 'data segment'; },
    });
    expect(moved).toBeNull();
    // the layout is checked on the module with the switch at 0 (the patched octets are not the sentinel)
    expect(seen).toEqual([-1]);
  });
  it('a compiler that names a new site every time is tried at most `attempts` times', async () => {
    const named = new Set<string>();
    let n = 0;
    const r = await buildSchema({
      ...base(), attempts: 3,
      compile: async (text: string) => {
        n++;
        // the schema as the loop renders it with the sites named so far dropped; name the next one
        const { text: expected, spans } = renderSchema(SOURCE, mutants, sites.sites, named);
        expect(text).toBe(expected);
        const [key, [start]] = [...spans].find(([k]) => !named.has(k))!;
        named.add(key);
        return { errors: errorAt(text, start) };
      },
    });
    expect(r).toBeNull();
    expect([n, named.size]).toEqual([3, 3]);
  });
  it('no sites (a file the parser cannot place) gives no schema without compiling', async () => {
    let n = 0;
    expect(await buildSchema({ ...base(), sites: null, compile: async () => { n++; return { bytes: moduleBytes() }; } })).toBeNull();
    expect(n).toBe(0);
  });
});
