/**
 * MERGE POINT — SUCI profiles A and B (TS 33.501 Annex C ECIES). The SUCI deconcealment lives in
 * host/network/suci-profiles.ts (another branch): `loadHomeNetworkKey(text, scheme)` and
 * `deconcealSuci(suci, key) → { supi }`. Until it is wired here, a concealed SUCI is reported per
 * UE as "concealed SUCI (protection scheme N): give --supi or --hn-key".
 */
import type { MobileIdentity } from '../capture/nas-view.js';

export type ConcealedSuciFields = Extract<MobileIdentity, { kind: 'suci' }>;

/** The SUPI behind a concealed SUCI with the home-network private key `hnKeyText` (the --hn-key
 *  file's text, PEM or hex), or undefined when it cannot be recovered. */
export function supiFromConcealedSuci(suci: ConcealedSuciFields, hnKeyText: string | undefined): string | undefined {
  if (hnKeyText === undefined || (suci.scheme !== 1 && suci.scheme !== 2)) return undefined;
  // MERGE: return deconcealSuci({ scheme, hnKeyId, plmn, routingIndicator, schemeOutput }, loadHomeNetworkKey(hnKeyText, suci.scheme)).supi
  return undefined;
}
