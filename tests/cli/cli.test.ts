// The `ue-keys` CLI contract (names, flags and JSON keys are exact: other tools script them).
// Expected values come from the node:crypto reference, never from the CLI itself.
import { describe, expect, it } from 'vitest';
import { ref, kdfRef } from '../../host/reference/kdf.js';
import { hex, runCli as run, toHex } from '../helpers.js';

const K = '8b'.repeat(32), K2 = '5c'.repeat(32);
const CK = '00112233445566778899aabbccddeeff', IK = 'ffeeddccbbaa99887766554433221100';
const SNN = '5G:mnc001.mcc001.3gppnetwork.org';

describe('ue-keys derive (exact names, flags and JSON keys)', () => {
  const cases: Array<[string, string[], Record<string, string>]> = [
    ['kausf', ['--ck', CK, '--ik', IK, '--snn', SNN, '--sqn-xor-ak', '0102030405ff'], { kausf: toHex(ref.kausf(hex(CK), hex(IK), SNN, hex('0102030405ff'))) }],
    ['res-star', ['--ck', CK, '--ik', IK, '--snn', SNN, '--rand', CK, '--res', '0102030405060708'], { res_star: toHex(ref.resStar(hex(CK), hex(IK), SNN, hex(CK), hex('0102030405060708'))) }],
    ['kseaf', ['--kausf', K, '--snn', SNN], { kseaf: toHex(ref.kseaf(hex(K), SNN)) }],
    ['kamf', ['--kseaf', K, '--supi', '001010000000001', '--abba', '0000'], { kamf: toHex(ref.kamf(hex(K), '001010000000001', hex('0000'))) }],
    ['nas-keys', ['--kamf', K, '--nea', '2', '--nia', '0x2'], { knasenc: toHex(ref.nasKeys(hex(K), 2, 2).knasenc), knasint: toHex(ref.nasKeys(hex(K), 2, 2).knasint) }],
    ['kgnb', ['--kamf', K, '--ul-count', '0x10'], { kgnb: toHex(ref.kgnb(hex(K), 16, 1)) }],
    ['kgnb', ['--kamf', K, '--ul-count', '7', '--access', 'non3gpp'], { kn3iwf: toHex(ref.kgnb(hex(K), 7, 2)) }],
    ['nh', ['--kamf', K, '--sync', K2], { nh: toHex(ref.nh(hex(K), hex(K2))) }],
    ['kamf-prime', ['--kamf', K, '--direction', '0', '--count', '5'], { kamf_prime: toHex(ref.kamfPrime(hex(K), 0, 5)) }],
    ['kasme-prime', ['--kamf', K, '--count', '4294967295', '--mode', 'ho'], { kasme_prime: toHex(ref.kasmePrime(hex(K), 'ho', 0xffffffff)) }],
    ['kasme-srvcc', ['--kamf', K, '--dl-count', '0x0102'], { kasme_srvcc: toHex(ref.kasmeSrvcc(hex(K), 0x102)) }],
    ['ck-ik-srvcc', ['--kasme', K, '--dl-count', '0'], { ck: toHex(ref.ckIkSrvcc(hex(K), 0).ck), ik: toHex(ref.ckIkSrvcc(hex(K), 0).ik) }],
  ];
  for (const [name, flags, want] of cases) {
    it(`derive ${name} ${flags.filter((f) => f.startsWith('--')).join(' ')} --json`, () => {
      const r = run(['derive', name, ...flags, '--json']);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out)).toEqual(want);
      const plain = run(['derive', name, ...flags]);
      const values = Object.values(want);
      if (values.length === 1) expect(plain.out.trim()).toBe(values[0]);
      else for (const v of values) expect(plain.out).toContain(v);
    });
  }
  it('derive --help lists every name and flag', () => {
    const r = run(['derive', '--help']);
    expect(r.code).toBe(0);
    for (const n of ['kausf', 'res-star', 'kseaf', 'kamf', 'nas-keys', 'kgnb', 'nh', 'kamf-prime', 'kasme-prime', 'kasme-srvcc', 'ck-ik-srvcc']) expect(r.out).toContain(`  ${n} `);
    for (const f of ['--sqn-xor-ak', '--ul-count', '--dl-count', '--direction', '--mode idle|ho', '--access 3gpp|non3gpp']) expect(r.out).toContain(f);
  });
});

describe('ue-keys kdf', () => {
  it('prints the 32-byte output as hex', () => {
    const r = run(['kdf', '--key', K, '--fc', '0x6d', '--param', '303031', '--param', '0000']);
    expect(r.code).toBe(0);
    expect(r.out.trim()).toBe(toHex(kdfRef(hex(K), 0x6d, [hex('303031'), hex('0000')])));
  });
  it('no parameters, decimal FC', () => {
    expect(run(['kdf', '--key', K, '--fc', '106']).out.trim()).toBe(toHex(kdfRef(hex(K), 0x6a, [])));
  });
});

describe('bad input → one line naming the field on stderr, exit 2', () => {
  const bad: Array<[string[], string]> = [
    [['kdf', '--key', 'abc', '--fc', '1'], '--key'],
    [['kdf', '--key', 'zz', '--fc', '1'], '--key'],
    [['kdf', '--key', '00', '--fc', '256'], '--fc'],
    [['kdf', '--key', '00'], '--fc'],
    [['derive', 'kamf-prime', '--kamf', '00', '--direction', '0', '--count', '1'], '--kamf'],
    [['derive', 'kamf-prime', '--kamf', K, '--direction', '2', '--count', '1'], '--direction'],
    [['derive', 'kamf-prime', '--kamf', K, '--direction', '0', '--count', '4294967296'], '--count'],
    [['derive', 'kgnb', '--kamf', K, '--ul-count', '1', '--access', 'wifi'], '--access'],
    [['derive', 'kgnb', '--kamf', K, '--ul-count', '1', '--bogus', '1'], '--bogus'],
    [['derive', 'no-such-key'], 'NAME'],
    [['no-such-command'], 'COMMAND'],
  ];
  for (const [args, field] of bad) {
    it(`${args.slice(0, 2).join(' ')} … names ${field}`, () => {
      const r = run(args);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      const lines = r.err.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(field);
      expect(r.err).not.toMatch(/\bat .*\.(m?js|ts):\d+/); // no stack trace
    });
  }
});

describe('ue-keys batch', () => {
  it('one JSON line per input line, in order; a bad line never stops the batch', () => {
    const lines = [
      JSON.stringify({ op: 'kdf', key: K, fc: '0x6a', params: ['01', '0203'] }),
      'this is not json',
      JSON.stringify({ op: 'derive', name: 'kamf-prime', args: { kamf: K, direction: 0, count: 5 } }),
      JSON.stringify({ op: 'derive', name: 'kamf-prime', args: { kamf: K, direction: 3, count: 5 } }),
      JSON.stringify({ op: 'nope' }),
      JSON.stringify({ op: 'derive', name: 'nas-keys', args: { '--kamf': K, nea: 1, nia: '0x3' } }),
    ];
    const r = run(['batch'], lines.join('\n') + '\n');
    expect(r.code).toBe(0);
    const out = r.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(out).toHaveLength(6);
    expect(out[0]).toEqual({ output: toHex(kdfRef(hex(K), 0x6a, [hex('01'), hex('0203')])) });
    expect(out[1].error).toMatch(/JSON/);
    expect(out[2]).toEqual({ kamf_prime: toHex(ref.kamfPrime(hex(K), 0, 5)) });
    expect(out[3].error).toContain('--direction');
    expect(out[4].error).toContain('op');
    expect(out[5]).toEqual({ knasenc: toHex(ref.nasKeys(hex(K), 1, 3).knasenc), knasint: toHex(ref.nasKeys(hex(K), 1, 3).knasint) });
  });
});

describe('ue-keys demo', () => {
  it('prints the chain CK/IK → KAUSF → KSEAF → KAMF → KNAS → KgNB → NH → KAMF′ with clauses', () => {
    const r = run(['demo', '--json']);
    expect(r.code).toBe(0);
    const { chain } = JSON.parse(r.out);
    const by = (k: string) => chain.find((x: any) => x.key === k).value;
    const ck = hex(by('CK')), ik = hex(by('IK'));
    const snn = '5G:mnc001.mcc001.3gppnetwork.org';
    const kausf = ref.kausf(ck, ik, snn, hex('55f328b43577'));
    expect(by('KAUSF')).toBe(toHex(kausf));
    const kamf = ref.kamf(ref.kseaf(kausf, snn), '001010000000001', hex('0000'));
    expect(by('KAMF')).toBe(toHex(kamf));
    expect(by('KgNB')).toBe(toHex(ref.kgnb(kamf, 0, 1)));
    expect(by('KAMF′')).toBe(toHex(ref.kamfPrime(kamf, 0, 3)));
    const text = run(['demo']).out;
    for (const c of ['TS 33.501 A.2', 'TS 33.501 A.6', 'TS 33.501 A.7', 'TS 33.501 A.8', 'TS 33.501 A.9', 'TS 33.501 A.10', 'TS 33.501 A.13']) expect(text).toContain(c);
  });
});
