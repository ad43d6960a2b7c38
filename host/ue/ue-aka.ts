/**
 * 5G AKA on the UE (TS 33.501 6.1.3.2; NAS side TS 24.501 5.4.1.3): the ME hands RAND and AUTN of
 * the AUTHENTICATION REQUEST to the USIM (AUTHENTICATE, TS 33.102 6.3.3), checks the AMF
 * separation bit, and hands the USIM's answer to the ME firmware in ONE call (host/firmware/keys.ts
 * aka5g, export aka_5g):
 *
 *   RES*  = A.4 (CK ‖ IK, SNN, RAND, RES)        → AUTHENTICATION RESPONSE
 *   KAUSF = A.2 (CK ‖ IK, SNN, SQN ⊕ AK)         SQN ⊕ AK = the first 6 octets of AUTN
 *   KSEAF = A.6 (KAUSF, SNN)
 *   KAMF  = A.7 (KSEAF, SUPI digits, ABBA)        ABBA as received
 *
 * The result is a *partial* native 5G NAS security context (TS 33.501 3.1 / 6.2.3.2: created by
 * primary authentication, no SMC run yet). Its KAMF stays in the firmware (slot NEW of the module
 * behind `kd`); KAUSF and KSEAF come out because this ME stores them once the SMC is accepted
 * (EF 5GAUTHKEYS or ME NVM) and its NAS layer uses KAUSF. Nothing is stored here: KAUSF and
 * KSEAF become valid, replacing the old ones, only when the following SECURITY MODE COMMAND is
 * accepted (TS 24.501 5.4.2.1, TS 33.501 6.2.2.2) — {@link UeAka.acceptSmc}.
 *
 * Failures (TS 24.501 5.4.1.3.5), in this order: MAC failure → cause #20; AMF separation bit 0
 * (TS 33.501 6.1.3.2: "An ME accessing 5G shall check … that the separation bit in the AMF field of
 * AUTN is set to 1"; bit 0 of AMF, TS 33.102 Annex H) → cause #26 "non-5G authentication
 * unacceptable"; synchronisation failure → cause #21 with AUTS. CK and IK are wiped after use.
 */
import type { KeyDerivation } from '../firmware/keys.js';
import { InputError, UeKeysError } from '../errors.js';
import type { ContextStore } from './context-store.js';
import type { AuthResult } from '../firmware/usim-module.js';

/** 5GMM causes of the AUTHENTICATION FAILURE message (TS 24.501 9.11.3.2). */
export const CAUSE_MAC_FAILURE = 20;
export const CAUSE_SYNCH_FAILURE = 21;
export const CAUSE_NON_5G_AUTHENTICATION_UNACCEPTABLE = 26;
export type AuthFailureCause = typeof CAUSE_MAC_FAILURE | typeof CAUSE_SYNCH_FAILURE | typeof CAUSE_NON_5G_AUTHENTICATION_UNACCEPTABLE;
/** Cause names as TS 24.501 Annex A gives them. */
export const CAUSE_NAMES: Record<AuthFailureCause, string> = {
  [CAUSE_MAC_FAILURE]: 'MAC failure',
  [CAUSE_SYNCH_FAILURE]: 'synch failure',
  [CAUSE_NON_5G_AUTHENTICATION_UNACCEPTABLE]: 'non-5G authentication unacceptable',
};

/** The NAS AUTHENTICATION REQUEST fields of 5G AKA (TS 24.501 8.2.1): ngKSI, ABBA, RAND, AUTN. */
export interface AuthenticationRequest { ngKsi: number; abba: Uint8Array; rand: Uint8Array; autn: Uint8Array }

/** A partial native 5G NAS security context (TS 33.501 6.2.3.2): keys of one primary
 *  authentication. `kamf` only where the KAMF was derived outside the firmware's slots (EAP-AKA′
 *  today); a 5G AKA run leaves its KAMF in the firmware's slot NEW. */
export interface PartialNativeContext { ngKsi: number; abba: Uint8Array; kausf: Uint8Array; kseaf: Uint8Array; kamf?: Uint8Array }

/** AUTHENTICATION RESPONSE (TS 24.501 8.2.2) with the partial context it created (not stored). */
export interface AuthenticationResponse { message: 'AUTHENTICATION RESPONSE'; resStar: Uint8Array; context: PartialNativeContext }
/** AUTHENTICATION FAILURE (TS 24.501 8.2.4): the cause and, for #21, AUTS. */
export interface AuthenticationFailure { message: 'AUTHENTICATION FAILURE'; cause: AuthFailureCause; causeName: string; auts?: Uint8Array }

/** What the ME needs of a USIM: its SUPI and AUTHENTICATE (host/usim/usim.ts `Usim`). */
export interface UsimCard { readonly supi: string; authenticate(rand: Uint8Array, autn: Uint8Array): AuthResult }

/** acceptSmc without a pending partial context, or for another ngKSI. */
export class AkaStateError extends UeKeysError {}

/** Octet offset of the AMF in AUTN = SQN ⊕ AK (6) ‖ AMF (2) ‖ MAC (TS 33.102 6.3.2). */
const AUTN_AMF = 6;
/** The separation bit is bit 0 of the AMF, the most significant bit of its first octet (TS 33.102 Annex H). */
const AMF_SEPARATION_BIT = 0x80;

/**
 * The serving network name (TS 33.501 6.1.1.4, TS 24.501 9.12.1): "5G:mnc<MNC>.mcc<MCC>.3gppnetwork.org"
 * with a two-digit MNC padded to three digits.
 */
export function servingNetworkName(mcc: string, mnc: string): string {
  if (!/^[0-9]{3}$/.test(mcc)) throw new InputError('mcc', `must be 3 digits, got ${JSON.stringify(mcc)}`, mcc);
  if (!/^[0-9]{2,3}$/.test(mnc)) throw new InputError('mnc', `must be 2 or 3 digits, got ${JSON.stringify(mnc)}`, mnc);
  return `5G:mnc${mnc.padStart(3, '0')}.mcc${mcc}.3gppnetwork.org`;
}

/** The ME side of 5G AKA for one USIM. */
export class UeAka {
  private partial: PartialNativeContext | null = null;
  private valid: PartialNativeContext | null = null;
  readonly usim: UsimCard;
  readonly kd: KeyDerivation;
  readonly contextStore: ContextStore | null;

  /**
   * `kd` is the ME firmware's key-derivation API; `contextStore` (powered on with this USIM's
   * files) is where acceptSmc stores KAUSF/KSEAF; without it nothing is persisted.
   */
  constructor(opts: { usim: UsimCard; kd: KeyDerivation; contextStore?: ContextStore | null }) {
    this.usim = opts.usim;
    this.kd = opts.kd;
    this.contextStore = opts.contextStore ?? null;
  }

  /** The partial native context awaiting its SMC (a copy), or null. */
  get pending(): PartialNativeContext | null { return this.partial && copy(this.partial); }
  /** The context whose KAUSF/KSEAF were made valid by the last accepted SMC (a copy), or null. */
  get current(): PartialNativeContext | null { return this.valid && copy(this.valid); }

  /**
   * Handle an AUTHENTICATION REQUEST received in serving network `snn` (TS 33.501 6.1.3.2 step 7,
   * TS 24.501 5.4.1.3.4/5.4.1.3.5). On success the new partial context replaces any pending one.
   */
  handleAuthenticationRequest(req: AuthenticationRequest, snn: string): AuthenticationResponse | AuthenticationFailure {
    if (req === null || typeof req !== 'object') throw new InputError('request', 'must be an object', req);
    if (!Number.isInteger(req.ngKsi) || req.ngKsi < 0 || req.ngKsi > 6) throw new InputError('ngKsi', `must be a native KSI 0..6, got ${String(req.ngKsi)}`, req.ngKsi);
    if (!(req.abba instanceof Uint8Array) || req.abba.length < 2) throw new InputError('abba', `must be at least 2 bytes (TS 24.501 9.11.3.10), got ${req.abba instanceof Uint8Array ? req.abba.length : typeof req.abba}`, req.abba);
    if (typeof snn !== 'string' || snn === '') throw new InputError('snn', 'must be a non-empty string', snn);

    // ---- the USIM verifies MAC-A and SQN freshness (TS 33.102 6.3.3)
    const r = this.usim.authenticate(req.rand, req.autn);
    if (r.kind === 'mac-failure') return failure(CAUSE_MAC_FAILURE); // TS 24.501 5.4.1.3.5 a)

    // ---- the ME checks the AMF separation bit = 1 (TS 33.501 6.1.3.2; TS 24.501 5.4.1.3.5 b)
    if ((req.autn[AUTN_AMF] & AMF_SEPARATION_BIT) === 0) {
      if (r.kind === 'ok') wipe(r.res, r.ck, r.ik);
      return failure(CAUSE_NON_5G_AUTHENTICATION_UNACCEPTABLE);
    }
    if (r.kind === 'sync-failure') return failure(CAUSE_SYNCH_FAILURE, r.auts); // 5.4.1.3.5 c)

    // ---- RES*, KAUSF, KSEAF, KAMF into slot NEW: one firmware call (TS 33.501 6.1.3.2 step 7)
    const { res, ck, ik } = r;
    try {
      const k = this.kd.aka5g({ ck, ik, snn, rand: req.rand, res, sqnXorAk: req.autn.subarray(0, 6), supi: this.usim.supi, abba: req.abba, ngKsi: req.ngKsi, authKeys: true });
      this.discardPending();
      this.partial = { ngKsi: req.ngKsi, abba: req.abba.slice(), kausf: k.kausf!, kseaf: k.kseaf! };
      return { message: 'AUTHENTICATION RESPONSE', resStar: k.resStar, context: copy(this.partial) };
    } finally {
      wipe(res, ck, ik);
    }
  }

  /**
   * The SECURITY MODE COMMAND that follows this authentication was accepted (TS 24.501 5.4.2.1,
   * TS 33.501 6.2.2.2): KAUSF/KSEAF of the partial context become valid and replace the stored
   * ones (EF 5GAUTHKEYS, or ME NVM without service n°123, via ContextStore.storeAuthKeys). The
   * ME also resets its SOR and UPU counters to 0 here (not modelled). `ngKsi` is the SMC's ngKSI.
   */
  acceptSmc(ngKsi?: number): PartialNativeContext {
    const p = this.partial;
    if (!p) throw new AkaStateError('acceptSmc: no partial native 5G NAS security context from a 5G AKA run');
    if (ngKsi !== undefined && ngKsi !== p.ngKsi) throw new AkaStateError(`acceptSmc: the SMC names ngKSI ${ngKsi}, the partial context has ngKSI ${p.ngKsi}`);
    this.contextStore?.storeAuthKeys({ kausf: p.kausf, kseaf: p.kseaf });
    this.valid = p;
    this.partial = null;
    return copy(p);
  }

  /**
   * A partial native context created by another primary authentication method — EAP-AKA′'s
   * EAP-Success (host/ue/ue-eap-aka-prime.ts, TS 33.501 6.1.3.1 step 12) — becomes the pending
   * one, exactly as a 5G AKA run's would: {@link acceptSmc} makes its KAUSF/KSEAF valid.
   */
  adoptPartial(c: PartialNativeContext): PartialNativeContext {
    if (!Number.isInteger(c.ngKsi) || c.ngKsi < 0 || c.ngKsi > 6) throw new InputError('ngKsi', `must be a native KSI 0..6, got ${String(c.ngKsi)}`, c.ngKsi);
    this.discardPending();
    this.partial = copy(c);
    return copy(c);
  }

  /** Drop the pending partial context (e.g. the SMC was rejected, TS 24.501 5.4.2.5). */
  discardPending(): void {
    if (this.partial) wipe(this.partial.kausf, this.partial.kseaf, this.partial.kamf ?? new Uint8Array(0));
    this.partial = null;
  }
}

function failure(cause: AuthFailureCause, auts?: Uint8Array): AuthenticationFailure {
  return { message: 'AUTHENTICATION FAILURE', cause, causeName: CAUSE_NAMES[cause], ...(auts ? { auts } : {}) };
}
function copy(c: PartialNativeContext): PartialNativeContext {
  return { ngKsi: c.ngKsi, abba: c.abba.slice(), kausf: c.kausf.slice(), kseaf: c.kseaf.slice(), ...(c.kamf ? { kamf: c.kamf.slice() } : {}) };
}
function wipe(...a: Uint8Array[]): void { for (const b of a) b.fill(0); }
