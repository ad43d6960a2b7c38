/**
 * The AUSF as EAP server of EAP-AKA′ (TS 33.501 6.1.3.1, Figure 6.1.3.1-1; RFC 9048 / RFC 4187
 * server side), written with node:crypto only: the UDM/ARPF of ./udm.ts gives the transformed
 * vector AV′ = (RAND, AUTN, XRES, CK′, IK′); MK = PRF′(IK′ ‖ CK′, "EAP-AKA'" ‖ SUPI) comes from
 * host/reference/eap-aka-prime.ts (node:crypto HMAC), AT_MAC is HMAC-SHA-256-128 with K_aut
 * computed here with node:crypto. Nothing here loads a wasm module, so the UE (firmware) and this
 * server agree only if both follow the clauses.
 *
 * Fault knobs (tests and the conformance system simulator): the offered AT_KDF list, the
 * AT_KDF_INPUT, a corrupted AT_MAC, an AMF without the separation bit, an Identity round first.
 */
import { createHmac } from 'node:crypto';
import { prfPrime } from '../reference/eap-aka-prime.js';
import { ref } from '../reference/kdf.js';
import * as E from '../nas/eap.js';
import type { Trace } from '../trace.js';
import { record, type Udm } from './udm.js';
import { NetworkStateError } from './ausf.js';

export interface EapChallengeOptions {
  /** AT_KDF values in order (default [1]). */
  kdfs?: number[];
  /** AT_KDF_INPUT (default: the serving network name). */
  kdfInput?: string;
  /** Flip a bit of the AT_MAC value after MACing. */
  corruptMac?: boolean;
  /** AMF of the vector (default the subscription's, 0x8000). */
  amf?: Uint8Array;
}

/** What the AUSF answers to an EAP-Response: the next EAP-Request, or the end of the run. */
export type EapServerStep =
  | { kind: 'request'; eap: Uint8Array }
  | { kind: 'success'; eap: Uint8Array; supi: string; kausf: Uint8Array; kseaf: Uint8Array }
  | { kind: 'failure'; eap: Uint8Array; reason: string };

interface Keys { kAut: Uint8Array; emsk: Uint8Array }
interface Run { supi: string; snn: string; id: number; opts: EapChallengeOptions; rand?: Uint8Array; xres?: Uint8Array; keys?: Keys; last: 'identity' | 'challenge' | 'done' }

const hmac128 = (key: Uint8Array, data: Uint8Array) => new Uint8Array(createHmac('sha256', key).update(data).digest().subarray(0, 16));
const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && Buffer.from(a).equals(Buffer.from(b));

/** AT_MAC value of `packet` (RFC 4187 10.15 with RFC 9048 3.4.2): HMAC-SHA-256-128(K_aut, packet with the MAC field zeroed). */
export function atMac(kAut: Uint8Array, packet: Uint8Array, macAt: number): Uint8Array {
  const z = packet.slice(); z.fill(0, macAt, macAt + 16);
  return hmac128(kAut, z);
}

/** The EAP-AKA′ server of one AUSF. */
export class EapAusf {
  private run: Run | null = null;
  private nextId = 1;
  private readonly kausfBySupi = new Map<string, Uint8Array>();

  constructor(readonly udm: Udm, readonly trace: Trace = udm.trace) {}

  /**
   * Nausf_UEAuthentication_Authenticate Request (SUPI, SNN) with EAP-AKA′ selected (6.1.3.1 steps
   * 1–4): the first EAP-Request — AKA′-Challenge, or AKA′-Identity first when `identityFirst`.
   */
  start(supi: string, snn: string, opts: EapChallengeOptions & { identityFirst?: boolean } = {}): Uint8Array {
    this.run = { supi, snn, id: 0, opts, last: 'challenge' };
    record(this.trace, 'TS 33.501 6.1.3.1 step 1', `SEAF → AUSF: Nausf_UEAuthentication_Authenticate Request (SUPI ${supi}, SNN ${snn}); EAP-AKA′ selected`);
    if (opts.identityFirst) {
      const id = this.newId();
      this.run.id = id; this.run.last = 'identity';
      const eap = E.akaPrimePacket(E.EAP_CODE.REQUEST, id, E.SUBTYPE.IDENTITY, [{ type: E.AT.FULLAUTH_ID_REQ, value: Uint8Array.of(0, 0) }]);
      record(this.trace, 'TS 33.501 Annex F.2', 'AUSF → SEAF: EAP-Request/AKA′-Identity (AT_FULLAUTH_ID_REQ)');
      return eap;
    }
    return this.challenge();
  }

  /** The EAP-Response the SEAF forwarded (6.1.3.1 steps 6–8): verify it and answer. */
  handleResponse(eap: Uint8Array): EapServerStep {
    const r = this.run;
    if (!r || r.last === 'done') throw new NetworkStateError('AUSF: no EAP-AKA′ run in progress');
    const p = E.parseEap(eap);
    if (p.code !== E.EAP_CODE.RESPONSE || p.type !== E.EAP_TYPE_AKA_PRIME) return this.fail(`not an EAP-Response/AKA′ (code ${p.code}, type ${p.type})`);
    if (p.id !== r.id) return this.fail(`EAP identifier ${p.id} does not match the request's ${r.id} (RFC 3748 4.1)`);
    switch (p.subtype) {
      case E.SUBTYPE.IDENTITY: {
        const idAttr = E.attr(p, E.AT.IDENTITY);
        const identity = idAttr ? new TextDecoder().decode(E.lengthField(idAttr, 'AT_IDENTITY')) : '';
        record(this.trace, 'TS 33.501 Annex F.2', `SEAF → AUSF: EAP-Response/AKA′-Identity (${identity})`);
        return { kind: 'request', eap: this.challenge() };
      }
      case E.SUBTYPE.CHALLENGE: return this.verifyChallenge(p);
      case E.SUBTYPE.SYNCHRONIZATION_FAILURE: {
        const auts = E.attr(p, E.AT.AUTS)?.value;
        if (!auts || !r.rand) return this.fail('Synchronization-Failure without AT_AUTS');
        record(this.trace, 'TS 33.501 6.1.3.3.2', 'AUSF → UDM: Nudm_UEAuthentication_Get Request (synchronisation failure: RAND, AUTS)', { rand: r.rand, auts });
        if (this.udm.resynchronise(r.supi, r.rand, auts) === null) return this.fail('AUTS rejected by the UDM (MAC-S)');
        return { kind: 'request', eap: this.challenge() };
      }
      case E.SUBTYPE.AUTHENTICATION_REJECT: return this.fail('the UE sent EAP-Response/AKA′-Authentication-Reject');
      case E.SUBTYPE.CLIENT_ERROR: return this.fail('the UE sent EAP-Response/AKA′-Client-Error');
      default: return this.fail(`unexpected subtype ${p.subtype}`);
    }
  }

  /** KAUSF kept after a successful run for `supi` (6.1.3.1 step 9). */
  kausf(supi: string): Uint8Array | undefined { return this.kausfBySupi.get(supi)?.slice(); }

  private newId(): number { const id = this.nextId; this.nextId = (this.nextId + 1) & 0xff; return id; }

  /** EAP-Request/AKA′-Challenge (6.1.3.1 steps 3–5): fresh AV′, MK, K_aut, AT_MAC. */
  private challenge(): Uint8Array {
    const r = this.run!;
    const av = this.udm.generateEapAv(r.supi, r.snn, { amf: r.opts.amf });
    // RFC 9048 3.3: MK = PRF′(IK′ ‖ CK′, "EAP-AKA'" ‖ Identity); Identity = the SUPI (TS 33.501 F.3).
    const mk = prfPrime(new Uint8Array([...av.ikPrime, ...av.ckPrime]), new Uint8Array([...Buffer.from("EAP-AKA'", 'ascii'), ...Buffer.from(r.supi, 'utf8')]), 208);
    const keys = { kAut: mk.slice(16, 48), emsk: mk.slice(144, 208) };
    const id = this.newId();
    const kdfInput = new TextEncoder().encode(r.opts.kdfInput ?? r.snn);
    const packet = E.akaPrimePacket(E.EAP_CODE.REQUEST, id, E.SUBTYPE.CHALLENGE, [
      { type: E.AT.RAND, value: E.reservedValue(av.rand) },
      { type: E.AT.AUTN, value: E.reservedValue(av.autn) },
      ...(r.opts.kdfs ?? [1]).map((k) => ({ type: E.AT.KDF, value: E.kdfValue(k) })),
      { type: E.AT.KDF_INPUT, value: E.lengthValue(kdfInput) },
      E.zeroMac(),
    ]);
    const macAt = packet.length - 16;
    packet.set(atMac(keys.kAut, packet, macAt), macAt);
    if (r.opts.corruptMac) packet[macAt] ^= 0x01;
    Object.assign(r, { id, rand: av.rand, xres: av.xres, keys, last: 'challenge' as const });
    record(this.trace, 'TS 33.501 6.1.3.1 steps 4–5', `MK, K_aut (RFC 9048 3.3); AUSF → SEAF: EAP-Request/AKA′-Challenge (id ${id})${r.opts.corruptMac ? ' — AT_MAC corrupted' : ''}`,
      { rand: av.rand, autn: av.autn, xres: av.xres, k_aut: keys.kAut, at_mac: packet.slice(macAt) });
    return packet;
  }

  private verifyChallenge(p: E.EapPacket): EapServerStep {
    const r = this.run!;
    const kdfs = E.kdfList(p);
    const macAttr = E.attr(p, E.AT.MAC);
    if (!macAttr && kdfs.length === 1 && (r.opts.kdfs ?? [1]).includes(kdfs[0])) {
      // RFC 9048 3.2: the peer asks for another offered KDF: a new challenge whose AT_KDF list is
      // that KDF followed by the original list unchanged (the peer checks it: bidding down).
      record(this.trace, 'RFC 9048 3.2', `SEAF → AUSF: EAP-Response/AKA′-Challenge asking for KDF ${kdfs[0]}: new challenge`);
      r.opts = { ...r.opts, kdfs: [kdfs[0], ...(r.opts.kdfs ?? [1])] };
      return { kind: 'request', eap: this.challenge() };
    }
    if (!macAttr || !r.keys || !r.xres) return this.fail('EAP-Response/AKA′-Challenge without AT_MAC');
    const macAt = macAttr.at + 2;
    const mac = p.bytes.slice(macAt, macAt + 16);
    const expect = atMac(r.keys.kAut, p.bytes, macAt);
    const res = (() => { try { return E.resField(E.attr(p, E.AT.RES)); } catch { return null; } })();
    const macOk = same(mac, expect), resOk = res !== null && same(res, r.xres);
    record(this.trace, 'TS 33.501 6.1.3.1 step 7', `SEAF → AUSF: EAP-Response/AKA′-Challenge; AUSF: AT_MAC ${macOk ? 'verified' : 'WRONG'}, AT_RES ${resOk ? '= XRES' : '≠ XRES'}`,
      { res: res ?? new Uint8Array(0), xres: r.xres, at_mac: mac });
    if (!macOk) return this.fail('AT_MAC of the response does not verify');
    if (!resOk) return this.fail('AT_RES does not equal XRES');
    const kausf = r.keys.emsk.slice(0, 32);
    const kseaf = ref.kseaf(kausf, r.snn);
    this.kausfBySupi.set(r.supi, kausf);
    r.last = 'done';
    const eap = E.eapSuccess(p.id);
    record(this.trace, 'TS 33.501 6.1.3.1 steps 8–9', 'KAUSF = EMSK[0..32), KSEAF (A.6); AUSF → SEAF: EAP-Success, SUPI, KSEAF', { emsk: r.keys.emsk, kausf, kseaf });
    return { kind: 'success', eap, supi: r.supi, kausf, kseaf };
  }

  private fail(reason: string): EapServerStep {
    const id = this.run?.id ?? 0;
    if (this.run) this.run.last = 'done';
    record(this.trace, 'TS 33.501 6.1.3.1', `EAP-AKA′ failed (${reason}); AUSF → SEAF: EAP-Failure`);
    return { kind: 'failure', eap: E.eapFailure(id), reason };
  }
}
