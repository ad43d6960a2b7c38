// `run SCENARIO … --pcap FILE --suci-profile A|B [--hn-key FILE]` (issue 13): the UE conceals its
// SUPI (TS 33.501 6.12.2, Annex C.3 ECIES: Profile A X25519, Profile B P-256) in every SUCI it sends,
// by default for the home network public key of the Annex C.4 test data, so `decipher --hn-key`
// with that published private key recovers the SUPI (as the SIDF does, C.3.3) and follows the key
// chain. The expected key comes from the C.4 vector file (tests/vectors), not from the code under
// test; tshark reads the SUCI's protection scheme.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decipher, runToPcap, tempDir } from './helpers.js';
import { runCli, vectorCases } from '../helpers.js';
import { ANNEX_C4_HN_PRIVATE_KEY, concealedSuciCalculation, supiFromConcealedSuci, type ConcealedSuciFields } from '../../host/capture/suci-concealment.js';
import { withSubscriber, World } from '../../host/scenarios/setup.js';
import type { SuciProfile } from '../../host/network/suci-profiles.js';

const C4 = vectorCases('suci-ts33501-annexC4.json') as Array<{ scheme: SuciProfile; home_network_private_key: string }>;
const TSHARK = spawnSync('tshark', ['-v']).status === 0 || !!process.env.CI;
const hnKey = (text: string) => ({ deconceal: (s: ConcealedSuciFields) => supiFromConcealedSuci(s, text) });

describe('run --pcap --suci-profile: a concealed SUCI in the capture, deconcealed by decipher --hn-key', () => {
  for (const [flag, scheme] of [['A', 1], ['B', 2]] as const) {
    it(`Profile ${flag}: the default home network key is the Annex C.4 one; with that private key every protected message of the run verifies, without it none does and the UE is named; tshark reads protection scheme ${scheme}`, () => {
      const c4 = C4.find((c) => c.scheme === scheme)!.home_network_private_key;
      expect(ANNEX_C4_HN_PRIVATE_KEY[scheme]).toBe(c4);
      const t = tempDir();
      try {
        const f = join(t.dir, 's.pcap');
        const { tapped } = runToPcap(['mobility', '--seed', '1', '--suci-profile', flag], f);
        // the initial REGISTRATION REQUEST's 5GS mobile identity: SUCI (type 1), SUPI format IMSI, protection scheme `scheme` (TS 24.501 9.11.3.4)
        const rr = tapped.find((m) => m.initial)!.nas;
        expect([rr[2], rr[6] & 7, rr[6] >> 4 & 7, rr[12] & 15, rr[13]]).toEqual([0x41, 1, 0, scheme, 1]); // … home network key id 1
        const withKey = decipher(f, hnKey(c4));
        const prot = withKey.reports.filter((r) => r.mac !== null);
        expect(prot.length).toBeGreaterThan(4);
        expect(prot.every((r) => r.mac === 'verified')).toBe(true);
        expect(withKey.summary.concealedSuci).toEqual([]);
        const without = decipher(f);
        expect(without.reports.some((r) => r.mac === 'verified')).toBe(false);
        expect(without.summary.concealedSuci).toEqual([`UE 1: concealed SUCI (protection scheme ${scheme}): give --supi or --hn-key`]);
        if (TSHARK) {
          const r = spawnSync('tshark', ['-r', f, '-Y', 'frame.number == 1', '-T', 'fields', '-e', 'nas_5gs.mm.suci.scheme_id', '-e', '_ws.expert.severity', '-e', '_ws.malformed'], { encoding: 'utf8' });
          expect(r.stdout).toBe(`${scheme}\t\t\n`);
        }
      } finally { t.done(); }
    }, 60_000);
  }

  it('--hn-key FILE (a PEM X25519 key made by node:crypto): the run conceals for its public key; decipher with that file verifies, with the Annex C.4 key the SUPI is not recovered (the MAC tag of C.3.3 fails)', () => {
    const t = tempDir();
    try {
      const pem = generateKeyPairSync('x25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
      const keyFile = join(t.dir, 'hn.pem');
      writeFileSync(keyFile, pem);
      const f = join(t.dir, 'own.pcap');
      runToPcap(['n2-handover', '--kacf', '--seed', '2', '--suci-profile', 'A', '--hn-key', keyFile], f);
      const ok = decipher(f, hnKey(readFileSync(keyFile, 'utf8')));
      expect(ok.reports.filter((r) => r.mac !== null).every((r) => r.mac === 'verified')).toBe(true);
      const c4 = decipher(f, hnKey(ANNEX_C4_HN_PRIVATE_KEY[1]));
      expect(c4.reports.some((r) => r.mac === 'verified')).toBe(false);
      expect(c4.summary.concealedSuci[0]).toMatch(/^UE 1: concealed SUCI \(protection scheme 1\): --hn-key did not recover the SUPI: /);
    } finally { t.done(); }
  }, 60_000);

  it('a seeded run writes the same capture twice (the ephemeral keys come from the seed); without a seed each SUCI is fresh', () => {
    const t = tempDir();
    try {
      const p = (n: string, seed: string[]) => { const f = join(t.dir, n); runToPcap(['srvcc', ...seed, '--suci-profile', 'B'], f); return readFileSync(f); };
      expect(p('a.pcap', ['--seed', '3']).equals(p('b.pcap', ['--seed', '3']))).toBe(true);
      expect(p('c.pcap', []).equals(p('d.pcap', []))).toBe(false);
    } finally { t.done(); }
  }, 60_000);

  it('bad input: --hn-key without --suci-profile, an unreadable file, a file that is no key, an unknown profile → one line naming the flag, exit 2, no key bytes', () => {
    const t = tempDir();
    try {
      const junk = join(t.dir, 'junk.key');
      writeFileSync(junk, 'not a key\n');
      const cases: Array<[string[], RegExp]> = [
        [['--hn-key', junk], /^ue-keys: --hn-key needs --suci-profile A\|B\n$/],
        [['--suci-profile', 'A', '--hn-key', join(t.dir, 'missing.key')], /^ue-keys: --hn-key cannot read .+ \(ENOENT\)\n$/],
        [['--suci-profile', 'B', '--hn-key', junk], /^ue-keys: --hn-key must be a PEM private key or 64 hex digits \(32 octets\), got \d+ hex digits and \d+ other characters\n$/],
        [['--suci-profile', 'C'], /^ue-keys: --suci-profile must be one of A\|B, got "C"\n$/],
      ];
      for (const [flags, err] of cases) {
        const r = runCli(['run', 'mobility', '--pcap', join(t.dir, 'x.pcap'), ...flags]);
        expect([r.code, r.out], flags.join(' ')).toEqual([2, '']);
        expect(r.err, flags.join(' ')).toMatch(err);
      }
    } finally { t.done(); }
  }, 60_000);
});

describe('the SUCI calculation is subscriber data of the run, not a process-wide patch', () => {
  it('withSubscriber gives the calculation to every UE of the run (also after a power cycle) and restores the null scheme afterwards (TS 33.501 6.12.2: the null scheme unless the home network provisioned a protection scheme)', () => {
    const calc = concealedSuciCalculation(1, undefined, 7);
    withSubscriber({ suciCalculation: calc }, () => {
      const w = new World(1);
      expect(w.ue.suciCalculation).toBe(calc);
      expect(w.newUe().suciCalculation, 'a power cycle reads the same card').toBe(calc);
      expect(w.ue.suci()[0] & 0x07, 'type of identity SUCI').toBe(1);
      expect(w.ue.suci()[6] & 0x0f, 'protection scheme: Profile A (TS 24.501 9.11.3.4 octet 10)').toBe(1);
    });
    const after = new World(1).ue;
    expect(after.suciCalculation).toBeNull();
    expect(after.suci()[6] & 0x0f, 'null scheme again').toBe(0);
  });
});
