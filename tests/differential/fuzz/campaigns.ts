// The campaigns of `npm run fuzz` (main.ts) and of the seeded slice in npm test (tests/differential/fuzz.test.ts).
// Each drives one surface with generated good and bad inputs (gen.ts) and checks the contract of
// issue 17: a bad input is refused with the field named (CLI: exit 2 and one stderr line; batch:
// one {"error"} line per input line; library: InputError), a good one gives the node:crypto
// reference's answer (oracle.ts), and no error text carries key bytes.
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../../host/errors.js';
import { loadSync } from '../../../host/index.js';
import { applyMutation, deriveCase, fieldOf, secretsOf, type DeriveCase } from './gen.js';
import { kdfExpect, leaked, PROTO_NAMES, secretWindows } from './oracle.js';
import { rawExportCampaign } from './raw-exports.js';
import { Tally, type Campaign, type CampaignOptions, type CampaignResult } from './types.js';

const here = dirname(fileURLToPath(import.meta.url));
/** build/cli.mjs: from tests/differential/fuzz (vitest, sources) or from build/ (the bundled runner). */
const CLI = here.endsWith('build') ? join(here, 'cli.mjs') : join(here, '..', '..', '..', 'build', 'cli.mjs');
const hexU8 = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
const hexOf = (b: Uint8Array) => Buffer.from(b).toString('hex');

function detachedOf(len: number): Uint8Array {
  const b = new Uint8Array(len);
  structuredClone(b.buffer, { transfer: [b.buffer] });
  return b;
}

// ---------------------------------------------------------------------------------------------
// Library: every generated case through a destructured method of one loaded instance; after each
// refused call a fixed good call must still give the reference answer (a refusal changes nothing).

/** The API form of a mutated case: Uint8Array for hex flags, API field names. */
function apiInput(c: DeriveCase): { input: unknown; field?: string; expectOk: boolean } {
  const f = c.d.api.fields, m = c.mut;
  const o: Record<string, unknown> = {};
  for (const [flag, v] of Object.entries(c.args)) o[f[flag]] = c.d.flags[flag].kind === 'hex' ? hexU8(String(v)) : v;
  if (m.kind === 'none' || m.kind === 'extra') {
    if (m.kind === 'extra') Object.defineProperty(o, m.flag, { value: 1, enumerable: true, configurable: true, writable: true });
    return { input: o, expectOk: true }; // unknown properties of an inputs object are ignored, as in any JS API
  }
  if (m.kind === 'name') {
    // the whole argument is wrong: nothing, null, a number, a key as a hex string, an array
    const pick = [undefined, null, 7, hexOf(new Uint8Array(32).fill(0x5a)), [o]][m.name.length % 5];
    return { input: pick, field: undefined, expectOk: false };
  }
  const g = c.d.flags[m.flag], field = f[m.flag];
  if (m.kind === 'drop') { delete o[field]; return { input: o, field, expectOk: false }; }
  let v: unknown = m.value;
  if (g.kind === 'hex') {
    const [min, max] = g.range ?? [g.len, g.len];
    v = { 'odd digit count': new Uint8Array(min - 1), 'one byte short': new Uint8Array(min - 1), 'too long': new Uint8Array(max + 1),
      'non-hex character': String(c.args[m.flag]), empty: detachedOf(g.len) }[m.how] ?? m.value;
  } else if (g.kind === 'int') {
    v = { fraction: 1.5, huge: 1e20, 'not a number': Number.NaN }[m.how] ?? m.value;
  }
  o[field] = v;
  return { input: o, field, expectOk: false };
}

export async function apiCampaign({ seed, runs, onProgress }: CampaignOptions): Promise<CampaignResult> {
  const t = new Tally();
  const api = loadSync();
  const { kamf } = api; // destructured: bound methods (issue 17)
  const probe = { kseaf: new Uint8Array(32).fill(7), supi: '001010000000001', abba: Uint8Array.of(0, 0) };
  const probeWant = hexOf(kamf(probe));
  const cases = fc.sample(deriveCase(true), { seed, numRuns: runs });
  cases.forEach((c, i) => {
    const { input, field, expectOk } = apiInput(c);
    const method = c.d.api.call;
    const secrets = secretWindows([...secretsOf(c), hexOf(new Uint8Array(32).fill(0x5a))]);
    const label = `api ${c.d.name} ${c.mut.kind}${c.mut.kind === 'value' ? ` ${c.mut.flag} (${c.mut.how})` : c.mut.kind === 'drop' || c.mut.kind === 'extra' ? ` ${c.mut.flag}` : ''}`;
    try {
      const r = method(api, input);
      if (!expectOk) { t.bad(`${label}: accepted`); return; }
      const got = Object.fromEntries(Object.entries(r).map(([k, v]) => [k, hexOf(v)]));
      t.check(JSON.stringify(got) === JSON.stringify(c.d.expect(c.args)), () => `${label}: differs from the node:crypto reference`);
    } catch (e) {
      if (expectOk) { t.bad(`${label}: threw ${(e as Error).name}`); return; }
      const err = e as InputError;
      const text = `${err.message} ${JSON.stringify(err.value ?? null)} ${String(err.field)}`;
      if (!(e instanceof InputError)) t.bad(`${label}: ${(e as Error).name}, not InputError`);
      else if (leaked(text, secrets)) t.bad(`${label}: key bytes in the error`);
      else if (field !== undefined && !err.message.startsWith(`${field} `)) t.bad(`${label}: error does not name ${field}`);
      else if (err.value instanceof Uint8Array) t.bad(`${label}: error.value holds bytes`);
      else t.ok();
    }
    // the refused (or good) call left nothing behind: the probe still gives the same KAMF
    if (hexOf(kamf(probe)) !== probeWant) t.bad(`${label}: next call's result changed`);
    if (i % 50 === 0) onProgress?.(i + 1, runs);
  });
  onProgress?.(runs, runs);
  return t.result();
}

// ---------------------------------------------------------------------------------------------
// Batch: one process per run of lines; one answer line per input line, in order.

interface BatchLine { line: string; want: (out: any) => string | undefined; secrets: string[]; label: string }

/** A derive or kdf case as a batch line with its check; plus blank, non-JSON and unknown-op lines. */
function batchLines(seed: number, runs: number): BatchLine[] {
  const other = fc.oneof(
    fc.constant<BatchLine>({ line: '', want: (o) => (o.error === 'empty line' ? undefined : 'blank line not answered with "empty line"'), secrets: [], label: 'blank line' }),
    fc.constant<BatchLine>({ line: '   \t', want: (o) => (o.error === 'empty line' ? undefined : 'blank line not answered with "empty line"'), secrets: [], label: 'whitespace line' }),
    fc.uint8Array({ minLength: 16, maxLength: 32 }).map((k): BatchLine => {
      const key = hexOf(k);
      return { line: `{"op":"kdf","key":"${key}"`, want: (o) => (typeof o.error === 'string' && o.error.startsWith('line is not JSON') ? undefined : 'truncated JSON not refused'), secrets: [key], label: 'truncated JSON with a key' };
    }),
    fc.constantFrom(...PROTO_NAMES, 'KDF', '').map((op): BatchLine => ({ line: JSON.stringify({ op }), want: (o) => (typeof o.error === 'string' && o.error.startsWith('op ') ? undefined : 'unknown op not refused naming op'), secrets: [], label: `op ${JSON.stringify(op)}` })),
    fc.tuple(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.integer({ min: 0, max: 255 }), fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 4 }), fc.boolean()).map(([k, fc_, ps, asString]): BatchLine => {
      const key = hexOf(k), params = ps.map(hexOf);
      if (asString && params.length) {
        return { line: JSON.stringify({ op: 'kdf', key, fc: fc_, params: params[0] }), want: (o) => (typeof o.error === 'string' && o.error.startsWith('params ') ? undefined : '"params" as a string not refused'), secrets: [key], label: 'kdf params as a string' };
      }
      const want = kdfExpect(key, fc_, params);
      return { line: JSON.stringify({ op: 'kdf', key, fc: fc_, params }), want: (o) => (o.output === want ? undefined : 'kdf differs from the node:crypto reference'), secrets: [key], label: 'kdf' };
    }),
  );
  const derive = deriveCase(true).map((c): BatchLine => {
    const { name, flags } = applyMutation(c);
    const field = fieldOf(c.mut);
    const label = `batch derive ${c.d.name} ${c.mut.kind}${c.mut.kind === 'value' ? ` ${c.mut.flag} (${c.mut.how})` : ''}`;
    const line = `{"op":"derive","name":${JSON.stringify(name)},"args":{${Object.keys(flags).map((k) => `${JSON.stringify(k)}:${JSON.stringify(flags[k])}`).join(',')}}}`;
    if (c.mut.kind === 'none') {
      const want = c.d.expect(c.args);
      return { line, want: (o) => (JSON.stringify(o) === JSON.stringify(want) ? undefined : `${label}: differs from the node:crypto reference`), secrets: secretsOf(c), label };
    }
    return { line, want: (o) => (typeof o.error !== 'string' ? `${label}: accepted` : field && !o.error.includes(field) ? `${label}: error does not name ${field}` : undefined), secrets: secretsOf(c), label };
  });
  return fc.sample(fc.oneof({ weight: 4, arbitrary: derive }, { weight: 1, arbitrary: other }), { seed, numRuns: runs });
}

export async function batchCampaign({ seed, runs, onProgress }: CampaignOptions): Promise<CampaignResult> {
  const t = new Tally();
  const lines = batchLines(seed, runs);
  const CHUNK = 2000;
  for (let at = 0; at < lines.length; at += CHUNK) {
    const part = lines.slice(at, at + CHUNK);
    const r = spawnSync(process.execPath, [CLI, 'batch'], { input: part.map((l) => l.line).join('\n') + '\n', encoding: 'utf8', maxBuffer: 1 << 28 });
    const out = r.stdout.split('\n');
    if (out[out.length - 1] === '') out.pop();
    if (r.status !== 0 || r.stderr !== '') t.bad(`batch exit ${r.status}, stderr ${r.stderr.length} chars`);
    if (out.length !== part.length) t.bad(`batch: ${part.length} lines in, ${out.length} out`);
    part.forEach((l, i) => {
      let o: any;
      try { o = JSON.parse(out[i] ?? ''); } catch { t.bad(`${l.label}: answer is not JSON`); return; }
      const problem = l.want(o);
      if (problem) { t.bad(problem); return; }
      const errText = typeof o.error === 'string' ? o.error : '';
      t.check(!leaked(errText, secretWindows(l.secrets)), () => `${l.label}: key bytes in the error line`);
    });
    onProgress?.(Math.min(at + CHUNK, lines.length), lines.length);
  }
  return t.result();
}

// ---------------------------------------------------------------------------------------------
// CLI: one process per case (slow: the default run count is small).

interface CliCase { argv: string[]; ok?: (out: string) => boolean; field?: string; secrets: string[]; label: string }

function cliCases(seed: number, runs: number): CliCase[] {
  const derive = deriveCase(false).map((c): CliCase => {
    const { name, flags } = applyMutation(c);
    const argv = ['derive', name, ...Object.entries(flags).flatMap(([k, v]) => [`--${k}`, String(v)]), '--json'];
    const label = `cli derive ${c.d.name} ${c.mut.kind}${c.mut.kind === 'value' ? ` ${c.mut.flag} (${c.mut.how})` : ''}`;
    if (c.mut.kind === 'none') { const want = JSON.stringify(c.d.expect(c.args)); return { argv, ok: (out) => out.trim() === want, secrets: secretsOf(c), label }; }
    return { argv, field: fieldOf(c.mut), secrets: secretsOf(c), label };
  });
  const key = fc.uint8Array({ minLength: 16, maxLength: 32 }).map(hexOf);
  const contract = fc.oneof(
    // extra arguments: a stray key after a switch must be refused without being repeated
    fc.tuple(fc.constantFrom('demo', 'abi', 'profile', 'batch', 'kdf'), key).map(([cmd, k]): CliCase => ({ argv: cmd === 'kdf' ? [cmd, '--key', '00', '--fc', '1', '--json', k] : [cmd, '--json', k], field: 'is not a', secrets: [k], label: `${cmd} with a stray argument` })),
    fc.constantFrom('yes', 'no', 'false', '1', '').map((v): CliCase => ({ argv: ['kdf', '--key', '00', '--fc', '1', `--json=${v}`], field: '--json', secrets: [], label: `--json=${v}` })),
    fc.constantFrom(...PROTO_NAMES).chain((n) => fc.constantFrom<CliCase>(
      { argv: [n], field: 'COMMAND', secrets: [], label: `command ${n}` },
      { argv: ['nas', n], field: 'SUBCOMMAND', secrets: [], label: `nas ${n}` },
      { argv: ['run', n], field: 'SCENARIO', secrets: [], label: `run ${n}` },
      { argv: ['usim', n, 'x.img'], field: 'SUBCOMMAND', secrets: [], label: `usim ${n}` },
    )),
    fc.constantFrom<CliCase>(
      { argv: [], field: 'Commands:', secrets: [], label: 'no command' },
      { argv: ['derive'], field: 'Names', secrets: [], label: 'derive without NAME' },
      { argv: ['nas'], field: 'nas mac', secrets: [], label: 'nas without SUBCOMMAND' },
      { argv: ['run'], field: 'run mobility', secrets: [], label: 'run without SCENARIO' },
    ),
    fc.tuple(fc.constantFrom('k', 'opc', 'op'), key, fc.constantFrom(...['g', 'z', '!'])).map(([flag, k, ch]): CliCase => {
      const bad = k.slice(0, 20) + ch + k.slice(21);
      const base: Record<string, string> = { k: '00'.repeat(16), opc: '11'.repeat(16), rand: '22'.repeat(16), sqn: '33'.repeat(6), amf: '8000' };
      if (flag === 'op') delete base.opc;
      base[flag] = bad;
      return { argv: ['milenage', ...Object.entries(base).flatMap(([f, v]) => [`--${f}`, v])], field: `--${flag}`, secrets: [k], label: `milenage --${flag} non-hex` };
    }),
  );
  return fc.sample(fc.oneof({ weight: 3, arbitrary: derive }, { weight: 2, arbitrary: contract }), { seed, numRuns: runs });
}

export async function cliCampaign({ seed, runs, onProgress }: CampaignOptions): Promise<CampaignResult> {
  const t = new Tally();
  cliCases(seed, runs).forEach((c, i) => {
    const r = spawnSync(process.execPath, [CLI, ...c.argv], { encoding: 'utf8', input: '' });
    if (c.ok) {
      t.check(r.status === 0 && r.stderr === '' && c.ok(r.stdout), () => `${c.label}: exit ${r.status}${r.stderr ? ', ' + r.stderr.trim().slice(0, 80) : ', output differs from the node:crypto reference'}`);
    } else {
      const usage = c.argv.length <= 1 && ['derive', 'nas', 'run', undefined].includes(c.argv[0]) && c.field !== 'COMMAND';
      const lines = r.stderr.split('\n').filter(Boolean);
      const leak = leaked(r.stderr + r.stdout, secretWindows(c.secrets));
      if (r.status !== 2) t.bad(`${c.label}: exit ${r.status}`);
      else if (r.stdout !== '') t.bad(`${c.label}: output on stdout`);
      else if (!usage && lines.length !== 1) t.bad(`${c.label}: ${lines.length} stderr lines`);
      else if (c.field && !r.stderr.includes(c.field)) t.bad(`${c.label}: stderr does not name ${c.field}`);
      else if (leak) t.bad(`${c.label}: key bytes on stderr`);
      else t.ok();
    }
    onProgress?.(i + 1, runs);
  });
  return t.result();
}

export const campaigns: Campaign[] = [
  { name: 'api', what: 'library methods (destructured) × generated good/bad inputs: InputError naming the field, no key bytes, reference answers, no state change', defaultRuns: 20_000, sliceRuns: 300, run: apiCampaign },
  { name: 'batch', what: 'batch lines (derive, kdf, blank, non-JSON, unknown ops): one answer per line, field named, no key bytes, reference answers', defaultRuns: 20_000, sliceRuns: 400, run: batchCampaign },
  { name: 'cli', what: 'CLI argv (derive, milenage, stray/unknown args, prototype names, --json=…): exit 2 + one stderr line naming the field, no key bytes', defaultRuns: 300, sliceRuns: 8, run: cliCampaign },
  // The slice is small here: tests/abi/firmware-abi.test.ts already runs 20,000 raw calls in npm test.
  { name: 'raw-exports', what: 'random raw export calls of ue.wasm and usim.wasm: no trap, a rejected call changes none of the 64 KiB, HMAC key context zero after every call', defaultRuns: 1_000_000, sliceRuns: 2_000, run: ({ seed, runs, onProgress }) => rawExportCampaign({ seed, calls: runs, onProgress }) },
];
