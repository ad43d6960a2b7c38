// `ue-keys nas …` and the nas batch ops: official vectors through the CLI, protect/unprotect
// checked by the independent network model.
import { describe, expect, it } from 'vitest';
import { hex, runCli as run, toHex, vectorCases } from '../helpers.js';
import { NetworkNasContext } from '../../host/network/nas-security.js';
import { ref } from '../../host/reference/kdf.js';
import { nia2Ref } from '../../host/reference/nas.js';

const sets = vectorCases('ts33401-annexC-eea-eia.json') as any[];
const mask = (h: string, bits: number) => { const b = hex(h).slice(0, Math.ceil(bits / 8)); if (bits % 8) b[b.length - 1] &= 0xff << (8 - (bits % 8)); return toHex(b); };

describe('nas mac / nas cipher with TS 33.401 Annex C sets', () => {
  for (const v of sets) {
    const alg = v.nr_equivalent.replace('128-', '').toLowerCase(); // nea1 / nia2 …
    const common = ['--alg', alg, '--key', v.key, '--count', '0x' + v.count, '--bearer', String(v.bearer), '--direction', String(v.direction), '--bits', String(v.length_bits)];
    it(`${v.source} via ue-keys nas ${alg.startsWith('nia') ? 'mac' : 'cipher'}`, () => {
      if (alg.startsWith('nia')) {
        const r = run(['nas', 'mac', ...common, '--msg', v.message]);
        expect(r.err).toBe('');
        expect(r.out.trim()).toBe(v.mac);
      } else {
        const r = run(['nas', 'cipher', ...common, '--msg', v.plaintext]);
        expect(r.out.trim()).toBe(mask(v.ciphertext, v.length_bits));
      }
    });
  }
});

describe('nas protect / unprotect', () => {
  const KAMF = 'a1'.repeat(32);
  it('protect: the network model verifies the message with the printed COUNT', () => {
    const r = run(['nas', 'protect', '--kamf', KAMF, '--nea', '2', '--nia', '2', '--ul-count', '0x123', '--msg', '7e004179000d0100f110', '--json']);
    expect(r.code).toBe(0);
    const o = JSON.parse(r.out);
    const net = new NetworkNasContext(hex(KAMF), 0, 2, 2);
    net.ulLast['3gpp'] = 0x122;
    const v = net.verifyUplink(hex(o.message));
    expect(v?.count).toBe(0x123);
    expect(toHex(v!.plain)).toBe('7e004179000d0100f110');
    expect(o.ul_count).toBe(0x123);
    expect(o.knasint).toBe(toHex(net.knasint));
  });
  it('protect --direction dl (the network model) then unprotect (the UE firmware): the README round trip; MAC = 128-NIA2(KNASint, DL COUNT, BEARER 1, DIRECTION 1) over SQN ‖ ciphertext', () => {
    const plain = '7e0042010177000bf200f110020041000002';
    const p = run(['nas', 'protect', '--direction', 'dl', '--kamf', KAMF, '--nea', '2', '--nia', '2', '--sht', '2', '--dl-count', '261', '--msg', plain, '--json']);
    expect(p.code, p.err).toBe(0);
    const o = JSON.parse(p.out), m = hex(o.message);
    expect([m[0], m[1], m[6], o.dl_count]).toEqual([0x7e, 2, 261 & 0xff, 261]);
    const { knasint } = ref.nasKeys(hex(KAMF), 2, 2);
    expect(toHex(m.subarray(2, 6))).toBe(toHex(nia2Ref(knasint, 261, 1, 1, m.subarray(6), (m.length - 6) * 8)));
    const u = run(['nas', 'unprotect', '--kamf', KAMF, '--nea', '2', '--nia', '2', '--last-dl-count', '260', '--msg', o.message, '--json']);
    expect(JSON.parse(u.out)).toEqual({ message: plain, dl_count: 261 });
    for (const [args, field] of [[['--sht', '4'], '--sht'], [['--ul-count', '1'], '--ul-count'], [['--nea', '1'], 'nea']] as Array<[string[], string]>) {
      const base = ['nas', 'protect', '--direction', 'dl', '--kamf', KAMF, '--nia', '2', '--msg', plain];
      const r = run([...base, ...(args[0] === '--nea' ? args : ['--nea', '2', ...args])]);
      expect([r.code, r.err.trim().split('\n').length]).toEqual([2, 1]);
      expect(r.err).toContain(field);
    }
  });
  it('unprotect: a network-protected downlink message comes back in clear with its COUNT', () => {
    const net = new NetworkNasContext(hex(KAMF), 0, 2, 2);
    net.dlNext['3gpp'] = 300;
    const m = net.protectDownlink(2, hex('7e0054010203'));
    const r = run(['nas', 'unprotect', '--kamf', KAMF, '--nea', '2', '--nia', '2', '--last-dl-count', '299', '--msg', toHex(m.message), '--json']);
    expect(JSON.parse(r.out)).toEqual({ message: '7e0054010203', dl_count: 300 });
    const bad = run(['nas', 'unprotect', '--kamf', KAMF, '--nea', '2', '--nia', '2', '--msg', toHex(m.message.map((b, i) => (i === 9 ? b ^ 1 : b)))]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/integrity check failed/);
  });
  it('batch nas-mac and nas-cipher use the same fields as the flags', () => {
    const v = sets.find((s) => s.nr_equivalent === '128-NIA2');
    const c = sets.find((s) => s.nr_equivalent === '128-NEA3');
    const lines = [
      { op: 'nas-mac', alg: 'nia2', key: v.key, count: '0x' + v.count, bearer: v.bearer, direction: v.direction, msg: v.message, bits: v.length_bits },
      { op: 'nas-cipher', alg: 'nea3', key: c.key, count: '0x' + c.count, bearer: c.bearer, direction: c.direction, msg: c.plaintext, bits: c.length_bits },
      { op: 'nas-mac', alg: 'nia7', key: v.key, count: 0, bearer: 0, direction: 0, msg: '00' },
    ].map((o) => JSON.stringify(o)).join('\n');
    const out = run(['batch'], lines + '\n').out.trim().split('\n').map((l) => JSON.parse(l));
    expect(out[0]).toEqual({ mac: v.mac });
    expect(out[1]).toEqual({ output: mask(c.ciphertext, c.length_bits) });
    expect(out[2].error).toContain('--alg');
  });
  it('bad input names the field', () => {
    for (const [args, field] of [
      [['nas', 'mac', '--alg', 'nia2', '--key', '00', '--count', '0', '--bearer', '0', '--direction', '0', '--msg', '00'], '--key'],
      [['nas', 'mac', '--alg', 'nia2', '--key', '00'.repeat(16), '--count', '0', '--bearer', '32', '--direction', '0', '--msg', '00'], '--bearer'],
      [['nas', 'cipher', '--alg', 'nea2', '--key', '00'.repeat(16), '--count', '0', '--bearer', '1', '--direction', '0', '--msg', '00', '--bits', '9'], '--bits'],
      [['nas', 'protect', '--kamf', KAMF, '--nea', '2', '--nia', '2', '--msg', '7e00', '--sht', '3'], '--sht'],
    ] as Array<[string[], string]>) {
      const r = run(args);
      expect(r.code).toBe(2);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toContain(field);
    }
  });
});
