// `ue-keys run mobility` (exact flags and JSON summary keys).
import { describe, expect, it } from 'vitest';
import { ref } from '../host/reference/kdf.js';
import { hex, runCli, toHex } from './helpers.js';

const KEYS = ['kamfOld', 'kamfNew', 'ulCountRegistrationRequest', 'ngKsiOld', 'ngKsiNew', 'outcome', 'ueCurrentKamf', 'usimKamf', 'usimNgKsi', 'sourceAmfKamf', 'aligned'];

describe('ue-keys run mobility', () => {
  it('--json: one object whose summary has every documented key; KAMF′ per A.13', () => {
    const r = runCli(['run', 'mobility', '--horizontal', '--outcome', 'accept', '--source-policy', 'keep', '--json']);
    expect(r.code).toBe(0);
    const o = JSON.parse(r.out);
    for (const k of KEYS) expect(o.summary, k).toHaveProperty(k);
    expect(o.summary.kamfNew).toBe(toHex(ref.kamfPrime(hex(o.summary.kamfOld), 0, o.summary.ulCountRegistrationRequest)));
    expect(o.summary.aligned).toBe(true);
    expect(Array.isArray(o.trace)).toBe(true);
  });
  it('--no-horizontal --outcome reject --source-policy delete --fallback: misaligned', () => {
    const o = JSON.parse(runCli(['run', 'mobility', '--no-horizontal', '--outcome', 'reject', '--source-policy', 'delete', '--fallback', '--json']).out);
    expect(o.summary.aligned).toBe(false);
    expect(o.summary.kamfNew).toBeNull();
  });
  it('--outcome timeout --fallback with the source keeping its context: aligned, old KAMF everywhere', () => {
    const o = JSON.parse(runCli(['run', 'mobility', '--outcome', 'timeout', '--source-policy', 'keep', '--fallback', '--json']).out).summary;
    expect([o.aligned, o.ueCurrentKamf, o.usimKamf, o.sourceAmfKamf]).toEqual([true, o.kamfOld, o.kamfOld, o.kamfOld]);
  });
  it('text output: the message sequence with keys, COUNTs and USIM bytes', () => {
    const r = runCli(['run', 'mobility']);
    for (const s of ['REGISTRATION REQUEST (mobility registration updating)', 'SECURITY MODE COMMAND (HDP = 1', 'KAMF′', 'usimKamf', 'ulCountRegistrationRequest', 'usimNscRecord']) expect(r.out).toContain(s);
  });
  it('--compare: a row per (horizontal × outcome × source policy × fallback) combination', () => {
    const r = runCli(['run', 'mobility', '--compare', '--json']);
    const rows = JSON.parse(r.out).combinations;
    expect(rows).toHaveLength(24);
    const find = (h: boolean, o: string, p: string, f: boolean) => rows.find((x: any) => x.horizontal === h && x.outcome === o && x.sourcePolicy === p && x.fallback === f);
    expect(find(true, 'reject', 'keep', true).aligned).toBe(true);
    expect(find(true, 'reject', 'delete', true).aligned).toBe(false);
    const text = runCli(['run', 'mobility', '--compare']).out;
    expect(text.split('\n').filter((l) => /^(yes|no) /.test(l))).toHaveLength(24);
  });
  it('--seed makes a run reproducible byte for byte; another seed gives other keys', () => {
    const a = runCli(['run', 'mobility', '--seed', '11', '--json']).out, b = runCli(['run', 'mobility', '--seed', '11', '--json']).out;
    expect(a).toBe(b);
    const c = JSON.parse(runCli(['run', 'mobility', '--seed', '12', '--json']).out).summary;
    expect(c.kamfOld).not.toBe(JSON.parse(a).summary.kamfOld);
    for (const sc of [['srvcc'], ['interworking', '--to', 'eps', '--mode', 'ho'], ['n2-handover', '--kacf']]) {
      expect(runCli(['run', ...sc, '--seed', '5', '--json']).out).toBe(runCli(['run', ...sc, '--seed', '5', '--json']).out);
    }
  }, 60_000); // nine CLI processes (~0.7 s each here): over vitest's default 5 s on a loaded machine
  it('run --help lists every scenario with its flags', () => {
    const out = runCli(['run', '--help']).out;
    for (const s of ['run mobility', '--source-policy keep|delete', 'run srvcc', '--variant mme-derive|mme-concat|direct', 'run interworking', 'run n2-handover']) expect(out).toContain(s);
  });
  it('bad flags name the field, exit 2', () => {
    for (const [args, field] of [[['run', 'mobility', '--outcome', 'maybe'], '--outcome'], [['run', 'mobility', '--bogus'], '--bogus'],
      [['run', 'nowhere'], 'SCENARIO'], [['run', 'mobility', '--horizontal', '--no-horizontal'], '--horizontal']] as Array<[string[], string]>) {
      const r = runCli(args);
      expect(r.code).toBe(2);
      expect(r.err).toContain(field);
    }
  });
});
