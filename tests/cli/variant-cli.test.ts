// Issue 12, the CLI half: "the CLI uses the fast build for computations and accepts --variant small".
// Which module file a run reads is shown by taking the other one away: the built CLI is copied into
// a directory of its own (it reads its .wasm files next to itself first) with one build real and the
// other replaced by an empty module (no exports), so a command that reads the wrong file fails.
// Expected outputs come from the node:crypto reference, never from the CLI.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kdfRef } from '../../host/reference/kdf.js';
import { generateAuthVector } from '../../host/reference/milenage.js';
import { hex, repoRoot, runCli, toHex } from '../helpers.js';

const EMPTY = Buffer.from('0061736d01000000', 'hex');
const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

/** A copy of build/cli.mjs with only the `real` build's modules usable. */
function cliWith(real: 'fast' | 'small'): string {
  const d = mkdtempSync(join(tmpdir(), 'ue-keys-variant-'));
  dirs.push(d);
  copyFileSync(join(repoRoot, 'build', 'cli.mjs'), join(d, 'cli.mjs'));
  for (const m of ['ue', 'usim']) {
    const [live, dead] = real === 'fast' ? [`${m}-fast`, m] : [m, `${m}-fast`];
    copyFileSync(join(repoRoot, 'build', `${live}.wasm`), join(d, `${live}.wasm`));
    writeFileSync(join(d, `${dead}.wasm`), EMPTY);
  }
  return join(d, 'cli.mjs');
}
function run(cli: string, args: string[], env: Record<string, string> = {}) {
  const e = { ...process.env, ...env };
  if (!('UE_KEYS_VARIANT' in env)) delete e.UE_KEYS_VARIANT;
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: e });
  return { code: r.status, out: r.stdout.trim(), err: r.stderr.trim() };
}

const KEY = '6c50bfa5f32a89ade1ee6c707de6dcfea0790afb6d14f9e55943aeda58334548';
const KDF = ['kdf', '--key', KEY, '--fc', '0x6d', '--param', '393031', '--param', '0000'];
const WANT = toHex(kdfRef(hex(KEY), 0x6d, [hex('393031'), hex('0000')]));

describe('ue-keys --variant small|fast (issue 12)', { timeout: 60_000 }, () => {
  const onlyFast = cliWith('fast'), onlySmall = cliWith('small');

  it('computations use the fast build by default (build/ue-fast.wasm; build/ue.wasm is never read)', () => {
    expect(run(onlyFast, KDF)).toEqual({ code: 0, out: WANT, err: '' });
    expect(run(onlySmall, KDF).code).toBe(1);
  });

  it('--variant small (after the command, =form, or before the command name) computes with build/ue.wasm', () => {
    for (const args of [[...KDF, '--variant', 'small'], [...KDF, '--variant=small'], ['--variant', 'small', ...KDF]]) {
      expect(run(onlySmall, args)).toEqual({ code: 0, out: WANT, err: '' });
      expect(run(onlyFast, args).code).toBe(1);
    }
    expect(run(onlyFast, [...KDF, '--variant', 'fast'])).toEqual({ code: 0, out: WANT, err: '' });
  });

  it('UE_KEYS_VARIANT=small is the default when no --variant is given; --variant wins over it', () => {
    expect(run(onlySmall, KDF, { UE_KEYS_VARIANT: 'small' }).out).toBe(WANT);
    expect(run(onlyFast, [...KDF, '--variant', 'fast'], { UE_KEYS_VARIANT: 'small' }).out).toBe(WANT);
  });

  it('the USIM commands (milenage) and nas follow --variant too', () => {
    const k = '465b5ce8b199b49faa5f0a2ee238a6bc', opc = 'cd63cb71954a9f4e48a5994e37a02baf', rand = '23553cbe9637a89d218ae64dae47bf35';
    const args = ['milenage', '--k', k, '--opc', opc, '--rand', rand, '--sqn', 'ff9bb4d0b607', '--amf', 'b9b9'];
    const av = generateAuthVector(hex(k), hex(opc), hex(rand), hex('ff9bb4d0b607'), hex('b9b9'));
    const small = run(onlySmall, [...args, '--variant', 'small']);
    expect(small.code).toBe(0);
    expect(JSON.parse(small.out).res).toBe(toHex(av.xres));
    expect(run(onlySmall, args).code).toBe(1);
    const nas = ['nas', 'mac', '--alg', 'nia2', '--key', '2bd6459f82c5b300952c49104881ff48', '--count', '0x38a6f056', '--bearer', '24', '--direction', '0', '--msg', '3332346263393861', '--bits', '58'];
    // TS 33.401 C.2.1 Test Set 1: MAC 118c6eb8
    expect(run(onlySmall, [...nas, '--variant', 'small']).out).toBe('118c6eb8');
    expect(run(onlyFast, nas).out).toBe('118c6eb8');
    expect(run(onlyFast, [...nas, '--variant', 'small']).code).toBe(1);
  });

  it('bad input: one stderr line naming --variant (or UE_KEYS_VARIANT), exit 2', () => {
    for (const [args, env, text] of [
      [[...KDF, '--variant', 'medium'], {}, 'ue-keys: --variant must be one of fast|small (firmware build), got "medium"'],
      [[...KDF, '--variant'], {}, 'ue-keys: --variant needs a value (fast|small)'],
      [[...KDF, '--variant', 'small', '--variant', 'fast'], {}, 'ue-keys: --variant given more than once'],
      [['--variant', 'small', ...KDF, '--variant', 'small'], {}, 'ue-keys: --variant given more than once'],
      [KDF, { UE_KEYS_VARIANT: 'tiny' }, 'ue-keys: UE_KEYS_VARIANT must be one of fast|small, got "tiny"'],
    ] as Array<[string[], Record<string, string>, string]>) {
      const r = run(onlyFast, args, env);
      expect(r).toEqual({ code: 2, out: '', err: text });
    }
  });

  it('run srvcc keeps its own --variant (the SRVCC derivation variant) beside the build\'s', () => {
    const r = runCli(['run', 'srvcc', '--variant', 'mme-concat', '--variant', 'small', '--seed', '3', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).summary.variant).toBe('mme-concat');
    const bad = runCli(['run', 'srvcc', '--variant', 'xx']);
    expect(bad.code).toBe(2);
    expect(bad.err.trim()).toBe('ue-keys: --variant must be one of fast|small (firmware build) or mme-derive|mme-concat|direct (SRVCC variant), got "xx"');
  });

  it('abi describes the small build (the README tables, the C header) unless --variant names one; --variant fast shows the fast build\'s tables in its memory map', () => {
    const region = (out: string, name: string) => out.split('\n').find((l) => l.startsWith(`| \`${name}\` |`));
    const small = runCli(['abi']), fast = runCli(['--variant', 'fast', 'abi']), named = runCli(['abi', '--variant', 'small']);
    expect([small.code, fast.code, named.code]).toEqual([0, 0, 0]);
    expect(named.out).toBe(small.out);
    // the exported regions are the same in both builds (one memory map) …
    for (const r of ['IO_IN', 'IO_OUT', 'CTX_SLOTS', 'NAS_MSG']) expect(region(fast.out, r)).toBe(region(small.out, r));
    // … the fast build's AES T-table (FT0, crypto/aes-fast.ts) is only in its own static data
    expect(region(small.out, 'FT0')).toBeUndefined();
    expect(region(fast.out, 'FT0')).toMatch(/^\| `FT0` \| 0x[0-9a-f]{4} \| 4096 \|/);
    const usimFast = runCli(['abi', '--module', 'usim', '--variant', 'fast']);
    expect(region(usimFast.out, 'PERSIST')).toBe(region(runCli(['abi', '--module', 'usim']).out, 'PERSIST'));
    expect(region(usimFast.out, 'FT0')).toBeDefined();
  });
});
