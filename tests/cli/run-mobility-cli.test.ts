// `ue-keys run mobility` (exact flags and JSON summary keys).
import { describe, expect, it } from 'vitest';
import { ref } from '../../host/reference/kdf.js';
import { hex, runCli, toHex } from '../helpers.js';

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
    expect(rows).toHaveLength(32); // 2 policies × (accept, no-guti, reject, timeout) × (keep, delete) × fallback
    const find = (h: boolean, o: string, p: string, f: boolean) => rows.find((x: any) => x.horizontal === h && x.requestedOutcome === o && x.sourcePolicy === p && x.fallback === f);
    expect(find(true, 'reject', 'keep', true).aligned).toBe(true);
    expect(find(true, 'reject', 'delete', true).aligned).toBe(false);
    expect(find(true, 'no-guti', 'keep', false)).toMatchObject({ outcome: 'accept', aligned: true, usimValid: false });
    expect(find(true, 'timeout', 'keep', false)).toMatchObject({ usimValid: false, usimKamf: find(true, 'timeout', 'keep', false).kamfOld, sourceAmfLearned: 'failure (RegistrationStatusUpdate)' });
    const text = runCli(['run', 'mobility', '--compare']).out;
    expect(text.split('\n')[0]).toMatch(/USIM valid .*source AMF learned/);
    expect(text.split('\n').filter((l) => /^(yes|no) /.test(l))).toHaveLength(32);
  });
  it('--seed makes a run reproducible byte for byte; another seed gives other keys', () => {
    const a = runCli(['run', 'mobility', '--seed', '11', '--json']).out, b = runCli(['run', 'mobility', '--seed', '11', '--json']).out;
    expect(a).toBe(b);
    const c = JSON.parse(runCli(['run', 'mobility', '--seed', '12', '--json']).out).summary;
    expect(c.kamfOld).not.toBe(JSON.parse(a).summary.kamfOld);
    for (const sc of [['srvcc'], ['interworking', '--to', 'eps', '--mode', 'ho'], ['n2-handover', '--kacf']]) {
      expect(runCli(['run', ...sc, '--seed', '5', '--json']).out).toBe(runCli(['run', ...sc, '--seed', '5', '--json']).out);
    }
  }, 60_000); // eleven CLI processes: slow on a loaded machine
  it('--power-cycle goes on after power-on (the UE registers again, ngKSI 111); --power-cycle --fallback and --power-cycle-at registered run', () => {
    const a = JSON.parse(runCli(['run', 'mobility', '--power-cycle', '--seed', '1', '--json']).out);
    expect(a.summary).toMatchObject({ powerCycleAt: 'after-smc', usimValid: false, afterPowerOn: { ngKsiSent: 7, authenticated: true } });
    expect(a.trace.some((t: any) => /POWER LOSS/.test(t.event))).toBe(true);
    expect(a.trace.filter((t: any) => t.from === 'UE' && /^REGISTRATION REQUEST \(initial\), unprotected/.test(t.event)).length).toBe(2);
    const b = runCli(['run', 'mobility', '--power-cycle', '--fallback', '--json']);
    expect(b.code).toBe(0);
    expect(JSON.parse(b.out).summary.afterPowerOn.registeredAt).toBe('source');
    const c = JSON.parse(runCli(['run', 'mobility', '--power-cycle-at', 'registered', '--json']).out).summary;
    expect(c).toMatchObject({ outcome: 'accept', powerCycleAt: 'registered', afterPowerOn: { ngKsiSent: 7, authenticated: true, registeredAt: 'target' } });
    for (const args of [['--outcome', 'reject', '--cause', '3'], ['--no-context'], ['--outcome', 'timeout', '--fallback', '--power-cycle-at', 'registered']]) {
      expect(runCli(['run', 'mobility', ...args, '--json']).code, args.join(' ')).toBe(0);
    }
  }, 60_000);
  it('--outcome reject --cause 3 --fallback (TS 24.501 5.5.1.3.5 "consider the USIM as invalid for 5GS services until switching off"): no fallback registration; summary shows usimInvalidFor5gs and the EF 5GS3GPPLOCI bytes (no 5G-GUTI, TAI deleted, 5U3)', () => {
    const r = runCli(['run', 'mobility', '--outcome', 'reject', '--cause', '3', '--fallback', '--json']);
    expect(r.code).toBe(0);
    const o = JSON.parse(r.out);
    expect(o.summary).toMatchObject({ usimInvalidFor5gs: true, usimLoci: `${'ff'.repeat(13)}00f110fffffe02`, ueCurrentKamf: null });
    expect(o.trace.some((t: any) => /^No fallback: the USIM is invalid for 5GS services/.test(t.event))).toBe(true);
  });
  it('run --help lists every scenario with its flags', () => {
    const out = runCli(['run', '--help']).out;
    for (const s of ['run mobility', '--source-policy keep|delete', 'run srvcc', '--variant mme-derive|mme-concat|direct', 'run interworking', 'run n2-handover']) expect(out).toContain(s);
  });
  it('bad flags name the field, exit 2', () => {
    for (const [args, field] of [[['run', 'mobility', '--outcome', 'maybe'], '--outcome'], [['run', 'mobility', '--bogus'], '--bogus'],
      [['run', 'nowhere'], 'SCENARIO'], [['run', 'mobility', '--horizontal', '--no-horizontal'], '--horizontal'],
      [['run', 'mobility', '--cause', '3'], '--cause'], [['run', 'mobility', '--outcome', 'reject', '--cause', '300'], '--cause'],
      [['run', 'mobility', '--power-cycle-at', 'never'], '--power-cycle-at'], [['run', 'mobility', '--power-cycle', '--power-cycle-at', 'registered'], '--power-cycle']] as Array<[string[], string]>) {
      const r = runCli(args);
      expect(r.code).toBe(2);
      expect(r.err).toContain(field);
    }
  }, 60_000); // one CLI process per case
});
