// `ue-keys run srvcc | interworking | n2-handover` (exact flags and JSON summary keys). Expected
// keys come from the reference KDF applied to the summary's KAMF and COUNT.
import { describe, expect, it } from 'vitest';
import { ref } from '../../host/reference/kdf.js';
import { hex, runCli, toHex } from '../helpers.js';

const SRVCC_KEYS = ['kamf', 'dlCount', 'kasmeSrvcc', 'ue', 'msc', 'variant', 'fc', 'outcome', 'agree', 'reauthRequired', 'notSpecified'];
const SIDE_KEYS = ['ck', 'ik', 'ksi', 'keySeparationWarning', 'mappedContextDeleted'];
const json = (args: string[]) => {
  const r = runCli(args);
  expect(r.code, r.err).toBe(0);
  return JSON.parse(r.out);
};

describe('ue-keys run srvcc', () => {
  it('--json: one object {summary, trace}; every documented key; published keys per A.21 + TS 33.401 A.12', () => {
    const o = json(['run', 'srvcc', '--json']);
    expect(Object.keys(o).sort()).toEqual(['summary', 'trace']);
    const s = o.summary;
    for (const k of SRVCC_KEYS) expect(s, k).toHaveProperty(k);
    for (const side of ['ue', 'msc']) for (const k of SIDE_KEYS) expect(s[side], `${side}.${k}`).toHaveProperty(k);
    const kasme = ref.kasmeSrvcc(hex(s.kamf), s.dlCount);
    const { ck, ik } = ref.ckIkSrvcc(kasme, 0);
    expect([s.kasmeSrvcc, s.ue.ck, s.ue.ik, s.msc.ck, s.msc.ik]).toEqual([toHex(kasme), toHex(ck), toHex(ik), toHex(ck), toHex(ik)]);
    expect([s.variant, s.fc, s.outcome, s.agree, s.reauthRequired, s.ue.keySeparationWarning]).toEqual(['mme-derive', 0x7d, 'success', true, true, false]);
    expect(Array.isArray(o.trace) && o.trace.length > 10).toBe(true);
  });
  it('--fc 0x74 and --fc 74 are the same FC; both report the key-separation failure', () => {
    for (const f of ['0x74', '74']) {
      const s = json(['run', 'srvcc', '--variant', 'mme-concat', '--fc', f, '--json']).summary;
      expect(s.fc).toBe(0x74);
      expect([s.ue.keySeparationWarning, s.msc.keySeparationWarning]).toEqual([true, true]);
      expect(s.ue.ck + s.ue.ik).toBe(toHex(ref.kasmePrime(hex(s.kamf), 'ho', s.dlCount)));
    }
  });
  it('--variant direct --outcome failure: kasmeSrvcc null; both sides deleted the mapped context', () => {
    const s = json(['run', 'srvcc', '--variant', 'direct', '--outcome', 'failure', '--json']).summary;
    expect(s.kasmeSrvcc).toBeNull();
    expect([s.ue.mappedContextDeleted, s.msc.mappedContextDeleted, s.reauthRequired, s.agree]).toEqual([true, true, false, true]);
  });
  it('text output: the message sequence and the summary', () => {
    const r = runCli(['run', 'srvcc', '--fc', '74']);
    expect(r.code).toBe(0);
    for (const x of ['Handover Required (SRVCC)', 'KEY SEPARATION FAILURE', 'MSC server', 'HO command', 'Summary', 'ue.keySeparationWarning     true', 'notSpecified']) {
      expect(r.out).toContain(x);
    }
  });
  it('bad flags exit 2 naming the flag', () => {
    for (const [args, field] of [[['--variant', 'via-sgsn'], '--variant'], [['--fc', 'zz'], '--fc'], [['--fc', '0x1234'], '--fc'], [['--outcome', 'maybe'], '--outcome'], [['--kacf'], '--kacf']] as Array<[string[], string]>) {
      const r = runCli(['run', 'srvcc', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toContain(field);
    }
  }, 60_000); // one CLI process per case
});

describe('ue-keys run interworking', () => {
  for (const to of ['eps', '5gs']) for (const mode of ['idle', 'ho']) {
    it(`--to ${to} --mode ${mode} --json: UE and network agree`, () => {
      const s = json(['run', 'interworking', '--to', to, '--mode', mode, '--json']).summary;
      expect([s.to, s.mode, s.agree]).toEqual([to, mode, true]);
      expect(s.ue).toEqual(s.network);
    });
  }
  it('--to eps --mode ho: K′ASME = A.14.2(KAMF, DL COUNT), the 8-LSB estimate', () => {
    const s = json(['run', 'interworking', '--to', 'eps', '--mode', 'ho', '--json']).summary;
    expect(s.ue.kasmePrime).toBe(toHex(ref.kasmePrime(hex(s.kamf), 'ho', s.count)));
    expect(s.ueCountEstimate).toBe(s.count);
  });
  it('--to and --mode are required; bad values name the flag', () => {
    for (const [args, field] of [[['--to', 'eps'], '--mode'], [['--mode', 'idle'], '--to'], [['--to', 'lte', '--mode', 'idle'], '--to']] as Array<[string[], string]>) {
      const r = runCli(['run', 'interworking', ...args]);
      expect(r.code).toBe(2);
      expect(r.err).toContain(field);
    }
  });
});

describe('ue-keys run n2-handover', () => {
  it('--kacf --json and --json --kacf: KAMF′ = A.13(KAMF, 0x01, DL COUNT) on both sides', () => {
    for (const args of [['--kacf', '--json'], ['--json', '--kacf']]) {
      const s = json(['run', 'n2-handover', ...args]).summary;
      expect(s.kacf).toBe(true);
      expect(s.ue.kamf).toBe(toHex(ref.kamfPrime(hex(s.kamf), 1, s.dlCount)));
      expect(s.agree).toBe(true);
    }
  });
  it('without --kacf: KAMF kept; text output ends with the summary', () => {
    const s = json(['run', 'n2-handover', '--json']).summary;
    expect([s.kacf, s.ue.kamf, s.agree]).toEqual([false, s.kamf, true]);
    const r = runCli(['run', 'n2-handover', '--kacf']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('KACF = 1');
    expect(r.out).toMatch(/Summary\n\s+kacf\s+true/);
  });
  it('an unknown flag exits 2', () => {
    const r = runCli(['run', 'n2-handover', '--kacf', '--corrupt']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--corrupt');
  });
});
