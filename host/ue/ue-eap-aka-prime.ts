/**
 * EAP-AKA′ on the UE (TS 33.501 6.1.3.1; RFC 9048 updating RFC 5448; message handling RFC 4187;
 * NAS transport TS 24.501 5.4.1.2.2): the EAP peer behind the EAP message IE of AUTHENTICATION
 * REQUEST / RESPONSE / RESULT and SECURITY MODE COMMAND.
 *
 *   EAP-Request/AKA′-Identity   → EAP-Response/AKA′-Identity, AT_IDENTITY = the SUCI in NAI form
 *                                 (TS 33.501 Annex F.2; TS 23.003 28.7: "type0.rid<RI>.schid0.userid<MSIN>
 *                                 @5gc.mnc<MNC>.mcc<MCC>.3gppnetwork.org" for the null scheme)
 *   EAP-Request/AKA′-Challenge  → checks in this order:
 *     1. AT_RAND, AT_AUTN, AT_MAC present and well formed, else Client-Error code 0 "unable to
 *        process packet" (RFC 4187 6.3.1, 10.20); no AT_KDF, or no (or an empty) AT_KDF_INPUT →
 *        Authentication-Reject (RFC 9048 3.1/3.2: the peer fails "as if AUTN had been incorrect");
 *     2. AT_KDF (RFC 9048 3.2): the first value must be 1; if 1 is offered later, the peer answers
 *        EAP-Response/AKA′-Challenge with the single AT_KDF 1 (KDF negotiation); if never, the peer
 *        answers Authentication-Reject. The challenge that follows a negotiation must list KDF 1
 *        first and then exactly the list first offered (bidding-down protection), else
 *        Authentication-Reject;
 *     3. AT_KDF_INPUT must equal the UE's serving network name (RFC 9048 3.1, TS 33.501 6.1.3.1):
 *        else Authentication-Reject (the peer behaves as if AUTN had been incorrect);
 *     4. the USIM checks AUTN (AUTHENTICATE, TS 33.102 6.3.3): MAC-A failure → Authentication-Reject
 *        (RFC 4187 6.3.1); SQN not fresh → Synchronization-Failure with AT_AUTS (RFC 4187 9.6) and
 *        AT_KDF 1 (RFC 9048 3.2); AMF separation bit 0 → Authentication-Reject (TS 33.501 6.1.3.1
 *        asks the ME to check the bit as for 5G AKA; EAP-AKA′ has no cause value for it);
 *     5. the ME firmware derives CK′ ‖ IK′ (A.3), MK with Identity = the SUPI (TS 33.501 F.3), K_aut,
 *        EMSK and KAUSF, and checks AT_MAC with K_aut: a wrong AT_MAC → Client-Error code 0 (RFC 4187
 *        6.3.1), no keys kept; then it MACs the EAP-Response/AKA′-Challenge (AT_RES, AT_MAC).
 *        K_aut and MK never leave the firmware (export eap_aka_prime_challenge); KAUSF does, as in 5G AKA.
 *   EAP-Success (AUTHENTICATION RESULT, or the SMC's EAP message IE) → KSEAF = A.6(KAUSF, SNN),
 *   KAMF = A.7(KSEAF, SUPI, ABBA) with the ABBA of that message (TS 33.501 6.1.3.1 steps 9–12;
 *   TS 24.501 5.4.1.2.2.8; the ABBA of the AUTHENTICATION REQUEST when the message carries none is
 *   a modelling choice, README "EAP-AKA′ on the UE"):
 *   the partial native context for the ngKSI (UeAka.adoptPartial), made current only by the SMC.
 *   EAP-Failure → the run ends; the pending KAUSF is wiped.
 * Not modelled: EAP-Request/AKA′-Notification, fast re-authentication (TS 33.501 F.3 NOTE 1: not
 * used in 5GS), AT_CHECKCODE, AT_RESULT_IND, AT_ENCR_DATA (pseudonyms), EAP types other than 50.
 */
import type { KeyDerivation } from '../firmware/keys.js';
import { InputError, MacFailureError } from '../errors.js';
import * as E from '../nas/eap.js';
import type { UeAka, PartialNativeContext, UsimCard } from './ue-aka.js';

/** What the peer did with one EAP-Request. */
export type EapOutcome = 'identity' | 'challenge' | 'kdf-negotiation' | 'synchronization-failure' | 'authentication-reject' | 'client-error';

export interface EapPeerAnswer {
  outcome: EapOutcome;
  /** The EAP-Response packet to send (the value of the EAP message IE). */
  eap: Uint8Array;
  /** Why the peer refused (Authentication-Reject / Client-Error), in words. */
  reason?: string;
  /** RES of a successful challenge (AT_RES), and KAUSF kept until EAP-Success. */
  res?: Uint8Array; kausf?: Uint8Array;
  auts?: Uint8Array;
}

const AUTN_AMF = 6, AMF_SEPARATION_BIT = 0x80;
/** AT_CLIENT_ERROR_CODE 0 "unable to process packet" (RFC 4187 10.20). */
const CLIENT_ERROR_UNABLE_TO_PROCESS = 0;
/** The KDF this UE supports: 1 = the RFC 9048 3.3 key derivation (CK′/IK′ with HMAC-SHA-256). */
export const KDF_SUPPORTED = 1;

/** The SUCI in NAI form for an IMSI SUPI with the null scheme (TS 23.003 28.7; TS 33.501 Annex F.2):
 *  "type0.rid<routing indicator>.schid0.userid<MSIN>@5gc.mnc<MNC, 3 digits>.mcc<MCC>.3gppnetwork.org". */
export function suciNai(supi: string, mncDigits: number, routingIndicator = '0'): string {
  if (!/^[0-9]{6,15}$/.test(supi)) throw new InputError('supi', `must be an IMSI of 6..15 digits, got ${JSON.stringify(supi)}`, supi);
  if (mncDigits !== 2 && mncDigits !== 3) throw new InputError('mncDigits', `must be 2 or 3, got ${mncDigits}`, mncDigits);
  const mcc = supi.slice(0, 3), mnc = supi.slice(3, 3 + mncDigits), msin = supi.slice(3 + mncDigits);
  return `type0.rid${routingIndicator}.schid0.userid${msin}@5gc.mnc${mnc.padStart(3, '0')}.mcc${mcc}.3gppnetwork.org`;
}

/** The EAP-AKA′ peer of one UE. */
export class UeEapAkaPrime {
  /** KAUSF of the last successful challenge, awaiting EAP-Success. */
  private kausf: Uint8Array | null = null;
  /** The AT_KDF list of the challenge this peer answered with a KDF negotiation (RFC 9048 3.2). */
  private negotiatedFrom: number[] | null = null;

  constructor(readonly aka: UeAka, readonly opts: { mncDigits: () => number }) {}

  private get usim(): UsimCard { return this.aka.usim; }
  private get kd(): KeyDerivation { return this.aka.kd; }
  /** True while a challenge succeeded and its EAP-Success has not come. */
  get awaitingSuccess(): boolean { return this.kausf !== null; }

  /** Handle one EAP-Request (the EAP message IE of an AUTHENTICATION REQUEST) in serving network `snn`. */
  handleRequest(eap: Uint8Array, snn: string): EapPeerAnswer {
    const p = E.parseEap(eap);
    if (p.code !== E.EAP_CODE.REQUEST) throw new InputError('EAP code', `an AUTHENTICATION REQUEST carries an EAP-Request (1), got ${p.code}`, p.code);
    if (p.type !== E.EAP_TYPE_AKA_PRIME) throw new InputError('EAP type', `must be 50 (EAP-AKA′), got ${p.type}`, p.type);
    if (p.subtype === E.SUBTYPE.IDENTITY) return this.identity(p);
    if (p.subtype === E.SUBTYPE.CHALLENGE) return this.challenge(p, snn);
    return this.clientError(p, `subtype ${p.subtype} is not modelled`);
  }

  /** EAP-Success (TS 33.501 6.1.3.1 steps 9–12): KSEAF and KAMF with `abba`; the partial native
   *  context for `ngKsi` replaces any pending one. No challenge succeeded → AkaStateError-like InputError. */
  handleSuccess(eap: Uint8Array, ngKsi: number, abba: Uint8Array, snn: string): PartialNativeContext {
    const p = E.parseEap(eap);
    if (p.code !== E.EAP_CODE.SUCCESS) throw new InputError('EAP code', `must be EAP-Success (3), got ${p.code}`, p.code);
    const kausf = this.kausf;
    if (!kausf) throw new InputError('EAP-Success', 'arrived without a successful EAP-AKA′ challenge (TS 24.501 5.4.1.2.2.8)');
    this.kausf = null;
    try {
      const kseaf = this.kd.kseaf({ kausf, snn });
      const kamf = this.kd.kamf({ kseaf, supi: this.usim.supi, abba });
      return this.aka.adoptPartial({ ngKsi, abba: abba.slice(), kausf, kseaf, kamf });
    } finally { this.kd.wipeScratch(); }
  }

  /** EAP-Failure: the run ends, the pending KAUSF is wiped (TS 24.501 5.4.1.2.2.9/10). */
  handleFailure(): void { this.kausf?.fill(0); this.kausf = null; this.negotiatedFrom = null; }

  private identity(p: E.EapPacket): EapPeerAnswer {
    const nai = new TextEncoder().encode(suciNai(this.usim.supi, this.opts.mncDigits()));
    const eap = E.akaPrimePacket(E.EAP_CODE.RESPONSE, p.id, E.SUBTYPE.IDENTITY, [{ type: E.AT.IDENTITY, value: E.lengthValue(nai) }]);
    return { outcome: 'identity', eap };
  }

  private challenge(p: E.EapPacket, snn: string): EapPeerAnswer {
    let rand: Uint8Array, autn: Uint8Array, macAt: number, kdfInput: string;
    const kdfs = E.kdfList(p);
    try {
      rand = E.fixed16(E.attr(p, E.AT.RAND), 'AT_RAND');
      autn = E.fixed16(E.attr(p, E.AT.AUTN), 'AT_AUTN');
      const mac = E.attr(p, E.AT.MAC);
      E.fixed16(mac, 'AT_MAC');
      macAt = mac!.at + 2;
      const ki = E.attr(p, E.AT.KDF_INPUT);
      kdfInput = ki ? new TextDecoder().decode(E.lengthField(ki, 'AT_KDF_INPUT')) : '';
    } catch (e) {
      if (e instanceof InputError) return this.clientError(p, e.message);
      throw e;
    }
    // RFC 9048 3.1 / 3.2: no network name, or no KDF offered → fail as if AUTN had been incorrect.
    if (kdfInput.length === 0) return this.reject(p, 'AT_KDF_INPUT missing or empty (RFC 9048 3.1)');
    if (kdfs.length === 0) return this.reject(p, 'no AT_KDF (RFC 9048 3.2)');
    // RFC 9048 3.2: after a negotiation the new list is the chosen KDF followed by the original
    // list unchanged; anything else may be a bidding-down attack.
    const from = this.negotiatedFrom;
    this.negotiatedFrom = null;
    if (from && !(kdfs[0] === KDF_SUPPORTED && kdfs.length === from.length + 1 && from.every((k, i) => kdfs[i + 1] === k))) {
      return this.reject(p, `AT_KDF ${kdfs.join(', ')} after negotiating KDF ${KDF_SUPPORTED} from ${from.join(', ')} (RFC 9048 3.2)`);
    }
    // RFC 9048 3.2: KDF negotiation.
    if (kdfs[0] !== KDF_SUPPORTED) {
      if (kdfs.includes(KDF_SUPPORTED)) {
        this.handleFailure(); // no keys from this request; a pending KAUSF is stale
        this.negotiatedFrom = kdfs.slice();
        const eap = E.akaPrimePacket(E.EAP_CODE.RESPONSE, p.id, E.SUBTYPE.CHALLENGE, [{ type: E.AT.KDF, value: E.kdfValue(KDF_SUPPORTED) }]);
        return { outcome: 'kdf-negotiation', eap, reason: `AT_KDF ${kdfs[0]} first; KDF 1 offered later: asked for it (RFC 9048 3.2)` };
      }
      return this.reject(p, `no supported KDF offered (AT_KDF ${kdfs.join(', ')}; RFC 9048 3.2)`);
    }
    // RFC 9048 3.1 / TS 33.501 6.1.3.1: the network name must be the UE's own.
    if (kdfInput !== snn) return this.reject(p, `AT_KDF_INPUT is not this UE's serving network name (RFC 9048 3.1)`);
    const r = this.usim.authenticate(rand, autn);
    if (r.kind === 'mac-failure') return this.reject(p, 'AUTN: MAC-A failure (RFC 4187 6.3.1)');
    if ((autn[AUTN_AMF] & AMF_SEPARATION_BIT) === 0) {
      if (r.kind === 'ok') wipe(r.res, r.ck, r.ik);
      return this.reject(p, 'AUTN: AMF separation bit 0 (TS 33.501 6.1.3.1)');
    }
    if (r.kind === 'sync-failure') {
      const eap = E.akaPrimePacket(E.EAP_CODE.RESPONSE, p.id, E.SUBTYPE.SYNCHRONIZATION_FAILURE, [
        { type: E.AT.AUTS, value: r.auts }, { type: E.AT.KDF, value: E.kdfValue(KDF_SUPPORTED) }]);
      return { outcome: 'synchronization-failure', eap, auts: r.auts, reason: 'AUTN: SQN not fresh (RFC 4187 9.6)' };
    }
    const { res, ck, ik } = r;
    try {
      const attrsOut = [{ type: E.AT.RES, value: E.resValue(res) }, E.zeroMac()];
      const rsp = E.akaPrimePacket(E.EAP_CODE.RESPONSE, p.id, E.SUBTYPE.CHALLENGE, attrsOut);
      const rspMacAt = rsp.length - 16; // AT_MAC is the last attribute
      let out: { responseMac: Uint8Array; kausf: Uint8Array };
      try {
        out = this.kd.eapAkaPrimeChallenge({ ck, ik, snn, sqnXorAk: autn.slice(0, 6), identity: this.usim.supi, request: p.bytes, macAt, response: rsp, responseMacAt: rspMacAt });
      } catch (e) {
        if (e instanceof MacFailureError) return this.clientError(p, 'AT_MAC does not verify with K_aut (RFC 4187 6.3.1)');
        throw e;
      }
      rsp.set(out.responseMac, rspMacAt);
      this.kausf?.fill(0);
      this.kausf = out.kausf;
      return { outcome: 'challenge', eap: rsp, res: res.slice(), kausf: out.kausf.slice() };
    } finally {
      wipe(res, ck, ik);
      this.kd.wipeScratch();
    }
  }

  private reject(p: E.EapPacket, reason: string): EapPeerAnswer {
    this.handleFailure();
    return { outcome: 'authentication-reject', eap: E.akaPrimePacket(E.EAP_CODE.RESPONSE, p.id, E.SUBTYPE.AUTHENTICATION_REJECT, []), reason };
  }

  private clientError(p: E.EapPacket, reason: string): EapPeerAnswer {
    this.handleFailure();
    const eap = E.akaPrimePacket(E.EAP_CODE.RESPONSE, p.id, E.SUBTYPE.CLIENT_ERROR, [{ type: E.AT.CLIENT_ERROR_CODE, value: E.kdfValue(CLIENT_ERROR_UNABLE_TO_PROCESS) }]);
    return { outcome: 'client-error', eap, reason };
  }
}

function wipe(...a: Uint8Array[]): void { for (const b of a) b.fill(0); }
