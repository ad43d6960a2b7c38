/**
 * SUCI profiles A and B (TS 33.501 Annex C ECIES) in a capture: the SIDF's deconcealment
 * (host/network/suci-profiles.ts) with the home-network private key the user gives (--hn-key).
 * Without a key, or when the key does not fit, the UE is reported as "concealed SUCI (protection
 * scheme N): give --supi or --hn-key" (decipher.ts) and its messages stay unverifiable.
 */
import type { MobileIdentity } from '../capture/nas-view.js';
import { plmnDigits } from './nas-view.js';
import { concealSupi, deconcealSuci, homeNetworkPublicKey, loadHomeNetworkKey, type HomeNetworkKey, type SuciProfile } from '../network/suci-profiles.js';
import { suciProtected } from '../nas/identity.js';
import type { SuciCalculation } from '../scenarios/setup.js';
import { createHash } from 'node:crypto';

export type ConcealedSuciFields = Extract<MobileIdentity, { kind: 'suci' }>;

/** The SUPI behind a concealed SUCI with the home-network private key `hnKeyText` (the --hn-key
 *  file's text, PEM or hex); undefined without a key or for a scheme other than Profile A/B. A key
 *  that does not fit (the other profile's, not a key) or a MAC tag that does not verify (TS 33.501
 *  C.3.3) throws the SIDF's InputError, which names the field and never carries key bytes. */
export function supiFromConcealedSuci(suci: ConcealedSuciFields, hnKeyText: string | undefined): string | undefined {
  if (hnKeyText === undefined || (suci.scheme !== 1 && suci.scheme !== 2)) return undefined;
  const key: HomeNetworkKey = loadHomeNetworkKey(hnKeyText, suci.scheme);
  const { mcc, mnc } = plmnDigits(suci.plmn);
  return deconcealSuci({ scheme: suci.scheme, hnKeyId: suci.hnKeyId, mcc, mnc, routingIndicator: suci.routingIndicator, schemeOutput: suci.schemeOutput }, key).supi;
}

/**
 * The home-network private keys of TS 33.501 Annex C.4 (C.4.3 Profile A, X25519; C.4.4 Profile B,
 * P-256): published test data, the default key pair of `run … --suci-profile A|B`, so a capture
 * of a default run deciphers with `decipher --hn-key` given the same published key. Never a real
 * network's key.
 */
export const ANNEX_C4_HN_PRIVATE_KEY: Record<SuciProfile, string> = {
  1: 'c53c22208b61860b06c62e5406a7b330c2b577aa5558981510d128247d38bd1d',
  2: 'f1ab1074477ebcc7f554ea1c5fc368b1616730155e0041ac447d6301975fecda',
};
/** Home network public key identifier the UE sends with the SUCI (TS 24.501 9.11.3.4; a modelling choice). */
export const RUN_HN_KEY_ID = 1;

/**
 * `run SCENARIO --suci-profile A|B [--hn-key FILE]`: the subscriber's SUCI calculation (what EF
 * SUCI_Calc_Info provisions on the card, TS 31.102 4.4.11.8), given to the run's world as
 * subscriber data (withSubscriber), so every SUCI the UE sends (REGISTRATION REQUEST, IDENTITY
 * RESPONSE) is concealed with Profile A or B (TS 33.501 6.12.2, C.3.2) for the public key of
 * `hnKeyText` (the --hn-key file's text, PEM or hex; default the Annex C.4 key of that profile)
 * instead of the null scheme. The ephemeral key pair is fresh for each SUCI; with `seed` it comes
 * from SHA-256("suci-ephemeral" ‖ seed ‖ ":" ‖ n), so a seeded run writes the same capture.
 */
export function concealedSuciCalculation(scheme: SuciProfile, hnKeyText: string | undefined, seed: number | undefined): SuciCalculation {
  const pub = homeNetworkPublicKey(loadHomeNetworkKey(hnKeyText ?? ANNEX_C4_HN_PRIVATE_KEY[scheme], scheme), RUN_HN_KEY_ID);
  let n = 0;
  const ephemeral = () => seed === undefined ? undefined
    : Uint8Array.from(createHash('sha256').update('suci-ephemeral').update(`${seed}:${n++}`).digest());
  return (supi, mncDigits) => suciProtected(concealSupi(supi, pub, ephemeral(), { mncDigits: mncDigits as 2 | 3 }));
}
