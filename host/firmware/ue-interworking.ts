/**
 * The UE's inter-system and handover key handling in the ME firmware, typed: SRVCC from 5G to
 * UTRAN CS (TS 33.501 Annex J / A.21 as published, and the draft change request's variants),
 * 5G ↔ EPS mapped contexts (TS 33.501 8.2–8.6, A.14, A.15) and the N2 handover NAS transparent
 * container (6.9.2.3.4, A.13). Each method copies its inputs into the mailbox, calls one export of
 * assembly/me/abi/mobility.ts and copies the result out; both mailboxes are wiped after every call
 * that carried a key (as UeFirmware does), even when the call failed.
 */
import type { UeFirmware } from './ue-firmware.js';
import type { Firmware } from './loader.js';
import { bytes, int, oneOf } from '../validate.js';
import { InputError } from '../errors.js';
import { epsProtected, EPS_SHT_INTEGRITY, PD_EMM } from '../nas/eps.js';

/** `mme-derive`: published (A.21 at the AMF, TS 33.401 A.12 at MME_SRVCC); `mme-concat`: draft,
 *  the MME splits the AMF's key into CK ‖ IK; `direct`: draft, AMF–MSC server interface. */
export type SrvccVariant = 'mme-derive' | 'mme-concat' | 'direct';
export const SRVCC_VARIANTS: readonly SrvccVariant[] = ['mme-derive', 'mme-concat', 'direct'];
/** FC of KASME_SRVCC (TS 33.501 A.21), the published value. */
export const FC_KASME_SRVCC = 0x7d;
/** The draft's "similar to 8.6.1" reading: the FC of K′ASME at 5G→EPS handover (A.14.2). */
export const FC_KASME_PRIME_HO = 0x74;

/** What the UE derived from the SRVCC HO command. */
export interface UeSrvccKeys {
  dlCount: number;            // the DL NAS COUNT estimated from the 4 LSB
  ksi: number;                // KSISRVCC (= ngKSI value)
  ck: Uint8Array; ik: Uint8Array;
  /** The AMF-step key to the MME (KASME_SRVCC); null for `direct`, whose AMF step is CK ‖ IK. */
  amfKey: Uint8Array | null;
}

/** The mapped SRVCC (CS) security context as held in SRVCC_CTX. */
export interface UeSrvccContext { valid: boolean; ksi: number; variant: SrvccVariant; fc: number; dlCount: number; ck: Uint8Array; ik: Uint8Array }

/** A mapped EPS security context derived from the current 5G one (TS 33.501 8.5/8.6.1, 8.3.2). */
export interface UeMappedEps {
  count: number;              // idle: UL NAS COUNT of the TAU; handover: DL NAS COUNT estimated
  eKsi: number;
  kasmePrime: Uint8Array; knasEnc: Uint8Array; knasInt: Uint8Array;
}

export type SrvccOutcome = 'failed' | 'completed' | 'call-ended';
const OUTCOMES: readonly SrvccOutcome[] = ['failed', 'completed', 'call-ended'];
const NASC_LEN = 7;
/** ctx_read's slot number of the mapped SRVCC (CS) context (assembly/abi/context.ts). */
const SRVCC_SLOT = 5;
const KEY = 32;

export class UeInterworking {
  private readonly fw: Firmware;
  constructor(readonly ue: UeFirmware) { this.fw = ue.fw; }

  /**
   * SRVCC HO command received (TS 33.501 J.1 step 4, draft X.1.1 step 9 / X.1.2 step 7): the UE
   * estimates the DL NAS COUNT from its 4 LSB (the smallest COUNT above the last accepted one),
   * derives CKSRVCC ‖ IKSRVCC as the chosen variant prescribes and holds them as the mapped SRVCC
   * context; KSISRVCC = the ngKSI value. `fc` is the FC of the AMF step (0x7D = A.21).
   */
  srvccHoCommand(a: { dlLsb4: number; variant?: SrvccVariant; fc?: number }): UeSrvccKeys {
    const v = SRVCC_VARIANTS.indexOf(oneOf('variant', a.variant ?? 'mme-derive', SRVCC_VARIANTS));
    const lsb = int('dlLsb4', a.dlLsb4, 0, 15), fc = int('fc', a.fc ?? FC_KASME_SRVCC, 0, 0xff);
    return this.clearAfter(() => {
      this.fw.call('srvcc_ho_command', lsb, v, fc);
      const h = new DataView(this.fw.take(0, 8).buffer);
      return {
        dlCount: h.getUint32(0, true), ksi: h.getUint32(4, true),
        ck: this.fw.take(16, 16), ik: this.fw.take(32, 16),
        amfKey: v === 2 ? null : this.fw.take(48, KEY),
      };
    });
  }

  /** Outcome of the SRVCC handover (J.1): `failed` → the mapped SRVCC context is deleted;
   *  `completed` → 5G may not be used until a successful (re)authentication in 5GS;
   *  `call-ended` → the CS context is deleted (the re-authentication rule stays). */
  srvccOutcome(o: SrvccOutcome): void {
    this.fw.call('srvcc_outcome', OUTCOMES.indexOf(oneOf('outcome', o, OUTCOMES)));
  }

  /** Read the mapped SRVCC (CS) context (keys included). */
  srvccRead(): UeSrvccContext {
    return this.clearAfter(() => {
      this.fw.call('ctx_read', SRVCC_SLOT);
      const b = this.fw.take(0, 64);
      return {
        valid: b[0] !== 0, ksi: b[1], variant: SRVCC_VARIANTS[b[2]] ?? 'mme-derive', fc: b[3],
        dlCount: new DataView(b.buffer).getUint32(4, true), ck: b.slice(16, 32), ik: b.slice(32, 48),
      };
    });
  }

  /** TS 33.501 A.14.2 K′ASME from the UE's firmware for a KAMF and COUNT: the key an SRVCC AMF
   *  step must differ from (key separation). */
  kasmePrimeHo(kamf: Uint8Array, count: number): Uint8Array {
    return this.clearAfter(() => this.ue.keys.kasmePrime({ kamf, mode: 'ho', count }));
  }

  /**
   * 5G → EPS idle mobility (TS 33.501 8.5.2, 8.6.1; TS 24.301 4.4.2.3): the plain EPS TAU Request
   * goes out integrity protected with the current 5G context (KNASint, the 5G UL NAS COUNT, the 3GPP
   * access NAS connection identifier as BEARER) and K′ASME = A.14.1(KAMF, the UL NAS COUNT it used);
   * EPS NAS keys per TS 33.401 A.7 for the EPS algorithms the 5G SMC selected.
   * The message is an EPS NAS message (TS 24.301 9.1): `17` (security header type 1 ‖ PD 7), MAC,
   * SQN, TAU. The firmware computes the MAC over SQN ‖ TAU — the input TS 24.301 9.5 defines —
   * and returns it in its 5GS frame (`7E 01` MAC SQN TAU); only the header octets differ, so the
   * host re-frames it without touching MAC, SQN or payload.
   */
  epsMapIdle(tau: Uint8Array): UeMappedEps & { message: Uint8Array } {
    const fw = this.fw.begin();
    const m = fw.put(bytes('tau', tau, [3, 1024]));
    if ((tau[0] & 0x0f) !== PD_EMM || tau[0] >> 4 !== 0) throw new InputError('tau', 'must be a plain EPS mobility management message (PD 7, security header type 0)', tau);
    return this.clearAfter(() => {
      fw.call('eps_map_idle', m, tau.length);
      const h = new DataView(fw.take(0, 12).buffer);
      const framed = fw.take(160, h.getUint32(0, true));
      if (framed[0] !== 0x7e || framed[1] !== 1) throw new Error('eps_map_idle returned an unexpected frame');
      const message = epsProtected(EPS_SHT_INTEGRITY, framed.subarray(2, 6), framed[6], framed.subarray(7));
      return { ...this.epsKeys(h.getUint32(4, true), h.getUint32(8, true)), message };
    });
  }

  /**
   * 5G → EPS handover (TS 33.501 8.3.2): the HO command carries the 8 LSB of the DL NAS COUNT;
   * the UE's estimate (above its last accepted DL COUNT) becomes its 5G DL COUNT.
   * K′ASME = A.14.2(KAMF, COUNT); KeNB = TS 33.401 A.3(K′ASME, 2^32−1); NH with NCC 2.
   */
  epsMapHo(dlLsb8: number): UeMappedEps & { kenb: Uint8Array; nh: Uint8Array; ncc: 2 } {
    const lsb = int('dlLsb8', dlLsb8, 0, 0xff);
    return this.clearAfter(() => {
      this.fw.call('eps_map_ho', lsb);
      const h = new DataView(this.fw.take(0, 12).buffer);
      return { ...this.epsKeys(h.getUint32(4, true), h.getUint32(8, true)), kenb: this.fw.take(80, KEY), nh: this.fw.take(112, KEY), ncc: 2 };
    });
  }

  /**
   * EPS → 5G idle mobility (TS 33.501 8.2, 8.6.2): K′AMF = A.15.1(KASME, UL EPS NAS COUNT of the
   * TAU in the Registration Request) into slot MAPPED, ngKSI = eKSI with TSC mapped, COUNTs 0.
   * A SECURITY MODE COMMAND naming that ngKSI activates it (UeFirmware.securityModeCommand).
   */
  epsTo5gIdle(a: { kasme: Uint8Array; eKsi: number; ulEpsCount: number }): void {
    const fw = this.fw.begin();
    const k = fw.put(bytes('kasme', a.kasme, KEY));
    const e = int('eKsi', a.eKsi, 0, 6), c = int('ulEpsCount', a.ulEpsCount, 0, 0xffffffff);
    this.clearAfter(() => fw.call('eps_to_5g_idle', k, e, c));
  }

  /**
   * EPS → 5G handover (TS 33.501 8.4): K′AMF = A.15.2(KASME, NH); the S1 mode to N1 mode NAS
   * transparent container (7 octets) is verified with the new KNASint and COUNT 2^32−1. On success
   * the mapped context is current (a current native one becomes non-current); on a MAC failure
   * (MacFailureError) nothing changes.
   */
  epsTo5gHo(a: { kasme: Uint8Array; nh: Uint8Array; nasc: Uint8Array }): void {
    const fw = this.fw.begin();
    const k = fw.put(bytes('kasme', a.kasme, KEY)), n = fw.put(bytes('nh', a.nh, KEY)), c = fw.put(bytes('nasc', a.nasc, NASC_LEN));
    this.clearAfter(() => fw.call('eps_to_5g_ho', k, n, c));
  }

  /**
   * N2 handover with an Intra N1 mode NAS transparent container (TS 33.501 6.9.2.3.4): its ngKSI
   * must name the UE's current context (value and type; otherwise FirmwareError, nothing changes).
   * KACF = 1 → KAMF′ = A.13(that KAMF, DIRECTION 0x01, the DL COUNT estimated from the container's
   * SQN) with the same ngKSI (6.9.2.3.3), COUNTs 0;
   * KACF = 0 → same KAMF, the DL COUNT set. A MAC failure (MacFailureError) aborts the handover
   * and keeps the old context unchanged.
   */
  n2Handover(nasc: Uint8Array): { kacf: boolean; ngKsi: number; dlCount: number } {
    const fw = this.fw.begin();
    const c = fw.put(bytes('nasc', nasc, NASC_LEN));
    return this.clearAfter(() => {
      fw.call('n2_ho', c);
      const h = fw.take(0, 8);
      return { kacf: h[0] === 1, ngKsi: h[1], dlCount: new DataView(h.buffer).getUint32(4, true) };
    });
  }

  private epsKeys(count: number, eKsi: number): UeMappedEps {
    return { count, eKsi, kasmePrime: this.fw.take(16, KEY), knasEnc: this.fw.take(48, 16), knasInt: this.fw.take(64, 16) };
  }

  /** Run `f`, then wipe both mailboxes even if it threw (inputs/outputs may hold keys). */
  private clearAfter<T>(f: () => T): T {
    try { return f(); } finally { this.fw.raw.io_clear(); }
  }
}
