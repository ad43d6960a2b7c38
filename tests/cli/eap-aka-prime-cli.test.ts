// `ue-keys derive eap-aka-prime` (issue 14): exact JSON keys, RFC 5448 Appendix C Case 1 values
// (tests/vectors/rfc5448-eap-aka-prime.json), and the no-secrets-in-errors contract.
import { describe, expect, it } from 'vitest';
import { runCli, vectorCases } from '../helpers.js';

const rfc = vectorCases('rfc5448-eap-aka-prime.json');
const OUT_KEYS = ['ckPrime', 'ikPrime', 'kEncr', 'kAut', 'kRe', 'msk', 'emsk', 'kausf'];
const published = (v: any) => ({ ckPrime: v.CK_prime, ikPrime: v.IK_prime, kEncr: v.K_encr, kAut: v.K_aut, kRe: v.K_re, msk: v.MSK, emsk: v.EMSK, kausf: v.EMSK.slice(0, 64) });

describe('ue-keys derive eap-aka-prime (CLI contract of issue 14)', () => {
  const v = rfc[0];
  const flags = ['--ck', v.CK, '--ik', v.IK, '--snn', v.network_name, '--sqn-xor-ak', v.SQN_xor_AK, '--identity', v.Identity];
  it('--json prints exactly {"ckPrime","ikPrime","kEncr","kAut","kRe","msk","emsk","kausf"} in that order, RFC 5448 Appendix C Case 1 values', () => {
    const r = runCli(['derive', 'eap-aka-prime', ...flags, '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(Object.keys(JSON.parse(r.out))).toEqual(OUT_KEYS);
    expect(JSON.parse(r.out)).toEqual(published(v));
  });
  it('a missing or bad flag: one line naming it on stderr, exit 2, no key bytes', () => {
    const noId = runCli(['derive', 'eap-aka-prime', ...flags.slice(0, -2), '--json']);
    expect(noId.code).toBe(2);
    expect(noId.err.trim().split('\n')).toHaveLength(1);
    expect(noId.err).toContain('--identity');
    const badCk = runCli(['derive', 'eap-aka-prime', '--ck', v.CK.slice(2), ...flags.slice(2)]);
    expect(badCk.code).toBe(2);
    expect(badCk.err).toContain('--ck');
    for (const r of [noId, badCk]) { expect(r.out).toBe(''); expect(r.err).not.toContain(v.CK.slice(2, 18)); expect(r.err).not.toContain(v.IK.slice(0, 16)); }
  });
  it('derive --help lists it with its clause and flags', () => {
    const r = runCli(['derive', '--help']);
    expect(r.out).toMatch(/eap-aka-prime\s+TS 33\.501 6\.1\.3\.1.*--identity/);
  });
});
