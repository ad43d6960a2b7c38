/**
 * SUCI profiles A and B (TS 33.501 Annex C ECIES) in a capture: the SIDF's deconcealment
 * (host/network/suci-profiles.ts) with the home-network private key the user gives (--hn-key).
 * Without a key, or when the key does not fit, the UE is reported as "concealed SUCI (protection
 * scheme N): give --supi or --hn-key" (decipher.ts) and its messages stay unverifiable.
 */
import type { MobileIdentity } from '../capture/nas-view.js';
import { plmnDigits } from './nas-view.js';
import { deconcealSuci, loadHomeNetworkKey, type HomeNetworkKey } from '../network/suci-profiles.js';

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
