/**
 * The UE's inter-system and handover key handling in the ME firmware, typed: SRVCC from 5G to
 * UTRAN CS (TS 33.501 Annex J / A.21 as published, and the draft change request's variants),
 * 5G ↔ EPS mapped contexts (TS 33.501 8.2–8.6, A.14, A.15) and the N2 handover NAS transparent
 * container (6.9.2.3.4, A.13). Each method copies its inputs into the mailbox, calls one export of
 * assembly/me/abi/mobility.ts and copies the result out; both mailboxes are wiped after every call
 * that carried a key (as UeFirmware does), even when the call failed.
 */
import type { UeFirmware } from './ue-firmware.js';
import type { UeModule } from './loader.js';
import { SLOT, SRVCC_OFF, UE } from './abi.generated.js';
import { bytes, int, oneOf, u32 } from '../validate.js';
import { SRVCC_VARIANTS, type SrvccVariant } from '../types.js';
import { InputError } from '../errors.js';
import { epsProtected, EPS_SHT_INTEGRITY, PD_EMM } from '../nas/eps.js';

export { SRVCC_VARIANTS, type SrvccVariant };
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
const KEY = 32;
/** Outputs of assembly/abi/mobility.ts (its doc comments; the module exports only IW_OUT_KEYS_OFF
 *  and IW_OUT_MSG_OFF): a header of u32 fields, the keys from IW_OUT_KEYS_OFF, a message from
 *  IW_OUT_MSG_OFF. */
const IW_OUT = {
  /** eps_map_idle / eps_map_ho: [0] message length, [4] COUNT, [8] eKSI; K′ASME, KNASenc, KNASint (, KeNB, NH). */
  LEN: 0, COUNT: 4, EKSI: 8,
  KASME: UE.IW_OUT_KEYS_OFF, KNASENC: UE.IW_OUT_KEYS_OFF + 32, KNASINT: UE.IW_OUT_KEYS_OFF + 48,
  KENB: UE.IW_OUT_KEYS_OFF + 64, NH: UE.IW_OUT_KEYS_OFF + 96, MSG: UE.IW_OUT_MSG_OFF,
} as const;
/** srvcc_ho_command: [0] DL COUNT estimated, [4] KSISRVCC, then CK, IK and the AMF-step key. */
const SRVCC_OUT = { DL_COUNT: 0, KSI: 4, CK: UE.IW_OUT_KEYS_OFF, IK: UE.IW_OUT_KEYS_OFF + 16, AMF_KEY: UE.IW_OUT_KEYS_OFF + 32 } as const;
/** n2_ho: [0] KACF, [1] ngKSI, [4] u32 DL COUNT estimated. */
const N2_OUT = { KACF: 0, NGKSI: 1, DL_COUNT: 4 } as const;

export class UeInterworking {
  private readonly fw: UeModule;
  constructor(readonly ue: UeFirmware) { this.fw = ue.module; }

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
      this.fw.exports.srvcc_ho_command(lsb, v, fc);
      const h = new DataView(this.fw.take(0, SRVCC_OUT.CK).buffer);
      return {
        dlCount: h.getUint32(SRVCC_OUT.DL_COUNT, true), ksi: h.getUint32(SRVCC_OUT.KSI, true),
        ck: this.fw.take(SRVCC_OUT.CK, 16), ik: this.fw.take(SRVCC_OUT.IK, 16),
        amfKey: SRVCC_VARIANTS[v] === 'direct' ? null : this.fw.take(SRVCC_OUT.AMF_KEY, KEY),
      };
    });
  }

  /** Outcome of the SRVCC handover (J.1): `failed` → the mapped SRVCC context is deleted;
   *  `completed` → 5G may not be used until a successful (re)authentication in 5GS;
   *  `call-ended` → the CS context is deleted (the re-authentication rule stays). */
  srvccOutcome(o: SrvccOutcome): void {
    this.fw.exports.srvcc_outcome(OUTCOMES.indexOf(oneOf('outcome', o, OUTCOMES)));
  }

  /** Read the mapped SRVCC (CS) context (keys included). */
  srvccRead(): UeSrvccContext {
    return this.clearAfter(() => {
      this.fw.exports.ctx_read(SLOT.SRVCC);
      const b = this.fw.take(0, UE.SRVCC_CTX_LEN);
      return {
        valid: b[SRVCC_OFF.VALID] !== 0, ksi: b[SRVCC_OFF.KSI], variant: SRVCC_VARIANTS[b[SRVCC_OFF.VARIANT]] ?? 'mme-derive', fc: b[SRVCC_OFF.FC],
        dlCount: new DataView(b.buffer).getUint32(SRVCC_OFF.COUNT, true), ck: b.slice(SRVCC_OFF.CK, SRVCC_OFF.CK + 16), ik: b.slice(SRVCC_OFF.IK, SRVCC_OFF.IK + 16),
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
      fw.exports.eps_map_idle(m, tau.length);
      const h = new DataView(fw.take(0, IW_OUT.KASME).buffer);
      const framed = fw.take(IW_OUT.MSG, h.getUint32(IW_OUT.LEN, true));
      if (framed[0] !== 0x7e || framed[1] !== 1) throw new Error('eps_map_idle returned an unexpected frame');
      const message = epsProtected(EPS_SHT_INTEGRITY, framed.subarray(2, 6), framed[6], framed.subarray(7));
      return { ...this.epsKeys(h.getUint32(IW_OUT.COUNT, true), h.getUint32(IW_OUT.EKSI, true)), message };
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
      this.fw.exports.eps_map_ho(lsb);
      const h = new DataView(this.fw.take(0, IW_OUT.KASME).buffer);
      return { ...this.epsKeys(h.getUint32(IW_OUT.COUNT, true), h.getUint32(IW_OUT.EKSI, true)), kenb: this.fw.take(IW_OUT.KENB, KEY), nh: this.fw.take(IW_OUT.NH, KEY), ncc: 2 };
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
    const e = int('eKsi', a.eKsi, 0, 6), c = u32('ulEpsCount', a.ulEpsCount);
    this.clearAfter(() => fw.exports.eps_to_5g_idle(k, e, c));
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
    this.clearAfter(() => fw.exports.eps_to_5g_ho(k, n, c));
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
      fw.exports.n2_ho(c);
      const h = fw.take(0, N2_OUT.DL_COUNT + 4);
      return { kacf: h[N2_OUT.KACF] === 1, ngKsi: h[N2_OUT.NGKSI], dlCount: new DataView(h.buffer).getUint32(N2_OUT.DL_COUNT, true) };
    });
  }

  private epsKeys(count: number, eKsi: number): UeMappedEps {
    return { count, eKsi, kasmePrime: this.fw.take(IW_OUT.KASME, KEY), knasEnc: this.fw.take(IW_OUT.KNASENC, 16), knasInt: this.fw.take(IW_OUT.KNASINT, 16) };
  }

  /** Run `f`, then wipe both mailboxes even if it threw (inputs/outputs may hold keys); the host
   *  zeroes them itself, as the io_clear export would. */
  private clearAfter<T>(f: () => T): T {
    try { return f(); } finally { this.fw.clearMailboxes(); }
  }
}
