// Issue 17 contracts, one test per rule: no key material in any message (CLI, batch, library),
// batch line discipline (a line per line, EPIPE, backpressure, directory stdin), usage and
// argument errors, prototype names, over-long text, and the library's calling conventions.
// Expected values come from the node:crypto reference (host/reference), never from the CLI.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kdfRef } from '../../host/reference/kdf.js';
import { InputError, load } from '../../host/index.js';
import { hex, repoRoot, runCli as run, toHex } from '../helpers.js';

const CLI = join(repoRoot, 'build', 'cli.mjs');
const dir = mkdtempSync(join(tmpdir(), 'ue-keys-contracts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const KEY16 = '0f1e2d3c4b5a69788796a5b4c3d2e1f0', KEY32 = KEY16 + 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
/** Every 16-hex-digit window of a key: none may appear in an error. */
const windows = (k: string) => Array.from({ length: (k.length - 16) / 2 + 1 }, (_, i) => k.slice(2 * i, 2 * i + 16));
const noKey = (text: string, k: string) => { for (const w of windows(k)) expect(text.toLowerCase()).not.toContain(w); };
const badHex = (k: string) => k.slice(0, 20) + 'g' + k.slice(21);

describe('Secrets: no key material in any message (issue 17)', () => {
  const flags: Array<[string, string[], string, number]> = [
    ['derive kausf --ck', ['derive', 'kausf', '--ik', KEY16, '--snn', 'x', '--sqn-xor-ak', '000000000000', '--ck'], KEY16, 16],
    ['derive kausf --ik', ['derive', 'kausf', '--ck', KEY16, '--snn', 'x', '--sqn-xor-ak', '000000000000', '--ik'], KEY16, 16],
    ['derive kseaf --kausf', ['derive', 'kseaf', '--snn', 'x', '--kausf'], KEY32, 32],
    ['derive kamf --kseaf', ['derive', 'kamf', '--supi', '001010000000001', '--abba', '0000', '--kseaf'], KEY32, 32],
    ['derive nas-keys --kamf', ['derive', 'nas-keys', '--nea', '1', '--nia', '1', '--kamf'], KEY32, 32],
    ['derive kenb --kasme', ['derive', 'kenb', '--ul-count', '1', '--kasme'], KEY32, 32],
    ['derive s-kgnb --kenb', ['derive', 's-kgnb', '--scg-counter', '1', '--kenb'], KEY32, 32],
    ['derive nh --sync', ['derive', 'nh', '--kamf', KEY32, '--sync'], KEY32, 32],
    ['derive kamf-from-kasme --nh', ['derive', 'kamf-from-kasme', '--kasme', KEY32, '--mode', 'ho', '--nh'], KEY32, 32],
    ['nas mac --key', ['nas', 'mac', '--alg', 'nia2', '--count', '0', '--bearer', '1', '--direction', '0', '--msg', '00', '--key'], KEY16, 16],
    ['milenage --k', ['milenage', '--opc', KEY16, '--rand', KEY16, '--sqn', '000000000001', '--amf', '8000', '--k'], KEY16, 16],
    ['milenage --opc', ['milenage', '--k', KEY16, '--rand', KEY16, '--sqn', '000000000001', '--amf', '8000', '--opc'], KEY16, 16],
    ['milenage --op', ['milenage', '--k', KEY16, '--rand', KEY16, '--sqn', '000000000001', '--amf', '8000', '--op'], KEY16, 16],
    ['tuak --top', ['tuak', '--k', KEY16, '--rand', KEY16, '--sqn', '000000000001', '--amf', '8000', '--top'], KEY32, 32],
  ];
  for (const [name, argv, key, len] of flags) {
    const flag = name.split(' ').pop()!;
    it(`${name}: a non-hex character is named by shape ("must be ${2 * len} hex digits, got …"), never echoed`, () => {
      const r = run([...argv, badHex(key)]);
      expect(r.code).toBe(2);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toContain(`${flag} must be ${2 * len} hex digits, got ${2 * len - 1} hex digits and 1 non-hex character`);
      noKey(r.err + r.out, key);
    });
  }
  it('--k with 31 digits and a non-hex character: the issue\'s own example wording', () => {
    const r = run(['milenage', '--opc', KEY16, '--rand', KEY16, '--sqn', '000000000001', '--amf', '8000', '--k', KEY16.slice(0, 31) + 'x']);
    expect(r.err).toBe('ue-keys: --k must be 32 hex digits, got 31 hex digits and 1 non-hex character\n');
  });
  it('a key given as a stray argument after a switch is not repeated', () => {
    const r = run(['kdf', '--key', '00', '--fc', '1', '--json', KEY32]);
    expect(r.code).toBe(2);
    expect(r.err).toBe('ue-keys: a 64-character string is not an argument of kdf\n');
  });
  it('batch {"error"} lines: bad key, truncated JSON holding a key, key as op: none repeats the key', () => {
    const r = run(['batch'], [
      JSON.stringify({ op: 'kdf', key: badHex(KEY32), fc: 1 }),
      `{"op":"kdf","key":"${KEY32}"`,
      JSON.stringify({ op: KEY32 }),
      JSON.stringify({ op: 'derive', name: 'kseaf', args: { kausf: KEY32.slice(0, 63), snn: 'x' } }),
    ].join('\n') + '\n');
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { error: '--key must be hex, got 63 hex digits and 1 non-hex character' },
      { error: expect.stringMatching(/^line is not JSON \(at position \d+\)$/) },
      { error: expect.stringMatching(/^op must be one of .*, got a 64-character string$/) },
      { error: '--kausf must be 64 hex digits (32 bytes), got 63 digits' },
    ]);
    noKey(r.out, KEY32);
  });
  it('library: InputError names the field; error.value keeps type and length only, never the bytes', async () => {
    const api = await load();
    const kamf = hex(KEY32);
    const cases: Array<[() => unknown, RegExp]> = [
      [() => api.nasKeys({ kamf: kamf.subarray(0, 31), nea: 1, nia: 1 }), /^kamf must be 32 bytes, got 31$/],
      [() => api.nasKeys({ kamf: KEY32 as any, nea: 1, nia: 1 }), /^kamf must be a Uint8Array, got a string of 64 characters$/],
      [() => api.kseaf({ kausf: kamf, snn: KEY32 + 'x'.repeat(1000) }), /^snn must be at most 1024 bytes \(UTF-8\), got 1064$/],
      [() => api.kdf(kamf, 300, []), /^fc must be 0–255, got 300$/],
    ];
    for (const [f, msg] of cases) {
      let err: unknown;
      try { f(); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).message).toMatch(msg);
      expect((err as InputError).value instanceof Uint8Array).toBe(false);
      noKey(`${(err as Error).message} ${JSON.stringify((err as InputError).value)}`, KEY32);
    }
  });
});

describe('batch: one answer line per input line (issue 17)', () => {
  it('blank lines are answered {"error":"empty line"}, in order, CRLF accepted, last line without newline answered', () => {
    const ok = { op: 'kdf', key: KEY32, fc: 0x6a, params: ['0001'] };
    const want = { output: toHex(kdfRef(hex(KEY32), 0x6a, [hex('0001')])) };
    const r = run(['batch'], `${JSON.stringify(ok)}\n\n  \r\n${JSON.stringify(ok)}\r\n${JSON.stringify(ok)}`);
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n').map((l) => JSON.parse(l))).toEqual([want, { error: 'empty line' }, { error: 'empty line' }, want, want]);
  });
  it('"params":"0001" (a string, not an array) is refused naming params', () => {
    const r = run(['batch'], JSON.stringify({ op: 'kdf', key: KEY32, fc: 1, params: '0001' }) + '\n');
    expect(JSON.parse(r.out)).toEqual({ error: 'params must be an array of hex strings, got "0001"' });
  });
  it('a flag value given as an array, and a misspelt field, are refused', () => {
    const r = run(['batch'], [
      JSON.stringify({ op: 'derive', name: 'kgnb', args: { kamf: KEY32, 'ul-count': [1] } }),
      JSON.stringify({ op: 'kdf', key: KEY32, fc: 1, param: ['00'] }),
    ].join('\n') + '\n');
    expect(r.out.trim().split('\n').map((l) => JSON.parse(l))).toEqual([
      { error: '--ul-count must be a number (decimal or 0x-hex), got an array' },
      { error: '"param" is not a field of kdf (fields: key, fc, params)' },
    ]);
  });
  it('a closed reader (| head -1) ends batch quietly with exit 0', () => {
    const input = join(dir, 'many.jsonl');
    writeFileSync(input, (JSON.stringify({ op: 'kdf', key: '00', fc: 1 }) + '\n').repeat(20_000));
    // bash: pipefail makes the pipeline's status that of batch, not of head
    const p = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${CLI}" batch < "${input}" | head -1 >/dev/null; echo "exit $?"`], { encoding: 'utf8' });
    expect(p.stderr).toBe('');
    expect(p.stdout.trim()).toBe('exit 0');
  });
  it('stdin that is a directory: exit 2 with one line naming stdin', () => {
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${CLI}" batch < "${dir}"`], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('ue-keys: stdin is a directory (batch reads JSON lines from a file or pipe)\n');
  });
  it.runIf(existsSync('/proc/self/fdinfo/0'))('backpressure: with nobody reading stdout, batch stops reading stdin (file offset < 1 MB of 10 MB)', async () => {
    const input = join(dir, 'big.jsonl');
    const line = JSON.stringify({ op: 'kdf', key: '00', fc: 1, params: ['0001'] }) + '\n';
    writeFileSync(input, line.repeat(200_000));
    const child = spawn(process.execPath, [CLI, 'batch'], { stdio: [openSync(input, 'r'), 'pipe', 'pipe'] });
    child.stdout!.pause();
    await new Promise((r) => setTimeout(r, 3000));
    const pos = Number(/pos:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/fdinfo/0`, 'utf8'))![1]);
    let lines = 0;
    child.stdout!.on('data', (b: Buffer) => { for (const c of b) if (c === 10) lines++; });
    child.stdout!.resume();
    const code = await new Promise((r) => child.on('close', r));
    expect(pos).toBeLessThan(1 << 20);
    expect(code).toBe(0);
    expect(lines).toBe(200_000);
  }, 180_000);
});

describe('CLI arguments (issue 17)', () => {
  it.each([[[]], [['derive']], [['nas']], [['run']]])('missing command or name %j: usage on stderr, nothing on stdout, exit 2', (argv) => {
    const r = run(argv as string[]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.length).toBeGreaterThan(40);
  });
  it.each([
    [['demo', 'extra'], 'ue-keys: "extra" is not an argument of demo'],
    [['demo', '--verbose'], 'ue-keys: --verbose is not a flag of demo (flags: --json)'],
    [['batch', 'extra'], 'ue-keys: "extra" is not an argument of batch'],
    [['abi', 'extra'], 'ue-keys: "extra" is not an argument of abi'],
    [['profile', 'extra'], 'ue-keys: "extra" is not an argument of profile'],
    [['kdf', '--key', '00', '--fc', '1', '--json=yes'], 'ue-keys: --json takes no value (write --json alone)'],
    [['constructor'], 'got "constructor"'],
    [['derive', '__proto__'], 'NAME must be one of'],
    [['nas', 'toString'], 'SUBCOMMAND must be one of'],
    [['run', 'constructor'], 'SCENARIO must be one of'],
    [['usim', 'hasOwnProperty', 'x.img'], 'SUBCOMMAND must be one of'],
    [['derive', 'kseaf', '--kausf', KEY32, '--snn', 's'.repeat(5000)], 'ue-keys: --snn must be at most 1024 bytes (UTF-8), got 5000'],
    [['derive', 'kamf', '--kseaf', KEY32, '--supi', '1'.repeat(5000), '--abba', '0000'], 'ue-keys: --supi must be at most 1024 bytes (UTF-8), got 5000'],
  ])('%# exit 2, one stderr line: %s', (argv, msg) => {
    const r = run(argv as string[]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toContain(msg);
  });
});

describe('Library calling conventions (issue 17)', () => {
  it('methods work destructured: const { kdf, kamf } = await load()', async () => {
    const { kdf, kamf } = await load();
    expect(toHex(kdf(hex(KEY32), 0x6a, [hex('00')]))).toBe(toHex(kdfRef(hex(KEY32), 0x6a, [hex('00')])));
    const want = kdfRef(hex(KEY32), 0x6d, [new TextEncoder().encode('001010000000001'), hex('0000')]);
    expect(toHex(kamf({ kseaf: hex(KEY32), supi: '001010000000001', abba: hex('0000') }))).toBe(toHex(want));
  });
  it('ue.kamf(), ue.kamf(null), ue.kamf(5) throw InputError naming kamf, not TypeError', async () => {
    const ue = await load();
    for (const arg of [undefined, null, 5]) {
      expect(() => (ue.kamf as any)(arg)).toThrow(InputError);
      expect(() => (ue.kamf as any)(arg)).toThrow(/^kamf needs one object of named inputs/);
    }
  });
  it('a view of a detached (transferred) buffer throws InputError, not an empty-key result', async () => {
    const ue = await load();
    const b = hex(KEY32);
    structuredClone(b.buffer, { transfer: [b.buffer as ArrayBuffer] });
    expect(() => ue.kdf(b, 1, [])).toThrow(InputError);
    expect(() => ue.kdf(b, 1, [])).toThrow(/^key is a view of a detached ArrayBuffer/);
    expect(() => ue.kseaf({ kausf: b, snn: 'x' })).toThrow(/^kausf is a view of a detached ArrayBuffer/);
  });
});
