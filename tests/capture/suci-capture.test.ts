// decipher --hn-key (issue 13, SUCI profiles A and B): the UE conceals its SUPI with the home
// network public key (TS 33.501 6.12.2, Annex C.3 ECIES); the capture carries only the SUCI, so the
// decipherer recovers the SUPI as the SIDF does, with the home network private key of the Annex C.4
// test data, then follows the key chain. Without the key (or with a key of no use) the UE's
// messages after the SMC are unverifiable and the UE is named with the reason.
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decipher, tempDir } from './helpers.js';
import { vectorCases } from '../helpers.js';
import { tapScenario } from '../../host/capture/scenario-tap.js';
import { toN2Messages } from '../../host/capture/scenario-capture.js';
import { n2Frames } from '../../host/capture/n2-capture.js';
import { pcapBytes, LINKTYPE } from '../../host/capture/pcap-write.js';
import { World, guti } from '../../host/scenarios/setup.js';
import { Amf } from '../../host/network/amf.js';
import { concealSupi, homeNetworkPublicKey, loadHomeNetworkKey, type SuciProfile } from '../../host/network/suci-profiles.js';
import { suciProtected } from '../../host/nas/identity.js';
import { supiFromConcealedSuci, type ConcealedSuciFields } from '../../host/capture/suci-concealment.js';

const C4 = vectorCases('suci-ts33501-annexC4.json') as Array<{ scheme: SuciProfile; home_network_private_key: string }>;

/** A capture of one initial registration (5G AKA, SMC) by a UE that sends a Profile `scheme` SUCI. */
function concealedRegistration(scheme: SuciProfile, dir: string): string {
  const hn = C4.find((c) => c.scheme === scheme)!;
  const pub = homeNetworkPublicKey(loadHomeNetworkKey(hn.home_network_private_key, scheme), 7);
  const { messages } = tapScenario(() => {
    const w = new World(3);
    w.ue.suciCalculation = (supi, mncDigits) => suciProtected(concealSupi(supi, pub, undefined, { mncDigits: mncDigits as 2 | 3 }));
    w.initialRegistration(new Amf('AMF', w.trace), guti(1, 3));
  });
  const f = join(dir, `profile-${scheme}.pcap`);
  writeFileSync(f, pcapBytes(LINKTYPE.ETHERNET, n2Frames(toN2Messages(messages))));
  return f;
}

describe('decipher --hn-key: a concealed SUCI (TS 33.501 6.12.2, C.3)', () => {
  for (const scheme of [1, 2] as const) {
    const name = scheme === 1 ? 'Profile A (X25519)' : 'Profile B (P-256)';
    it(`${name}: with the home network private key every protected message verifies; without it they are unverifiable and the UE is named`, () => {
      const t = tempDir();
      try {
        const file = concealedRegistration(scheme, t.dir);
        const key = C4.find((c) => c.scheme === scheme)!.home_network_private_key;
        const withKey = decipher(file, hnKey(key));
        const protectedOnes = withKey.reports.filter((r) => r.mac !== null);
        expect(protectedOnes.length).toBeGreaterThan(1);
        expect(protectedOnes.every((r) => r.mac === 'verified')).toBe(true);
        expect(withKey.summary.concealedSuci).toEqual([]);

        const without = decipher(file);
        expect(without.reports.some((r) => r.mac === 'verified')).toBe(false);
        expect(without.summary.concealedSuci).toEqual([`UE 1: concealed SUCI (protection scheme ${scheme}): give --supi or --hn-key`]);

        // the other profile's key cannot recover it: the reason is given, never key bytes
        const other = C4.find((c) => c.scheme !== scheme)!.home_network_private_key;
        const wrong = decipher(file, hnKey(other));
        expect(wrong.reports.some((r) => r.mac === 'verified')).toBe(false);
        expect(wrong.summary.concealedSuci).toHaveLength(1);
        expect(wrong.summary.concealedSuci[0]).toMatch(new RegExp(`^UE 1: concealed SUCI \\(protection scheme ${scheme}\\): --hn-key did not recover the SUPI: `));
        expect(wrong.summary.concealedSuci[0]).not.toMatch(/[0-9a-f]{16}/i);
      } finally { t.done(); }
    });
  }
});

/** The decipher option --hn-key sets (decipher-command.ts): the SIDF hook with the key file's text. */
function hnKey(text: string) {
  return { deconceal: (s: ConcealedSuciFields) => supiFromConcealedSuci(s, text) };
}
