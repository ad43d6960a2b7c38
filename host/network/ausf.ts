/**
 * Home and serving network peers of 5G AKA (TS 33.501 6.1.3.2, Figure 6.1.3.2-1) and of its
 * synchronisation failure (6.1.3.3.2), written with node:crypto only (host/reference/kdf.ts, the
 * UDM/ARPF of ./udm.ts): the AUSF (5G SE AV, XRES* check, KSEAF) and the SEAF (Authentication
 * Request, HRES* check, KAMF). Every message and key goes into the shared trace.
 *
 * Message names follow TS 33.501: Nausf_UEAuthentication_Authenticate Request/Response between
 * SEAF and AUSF, Nudm_UEAuthentication_Get between AUSF and UDM, and the NAS Authentication
 * Request/Response/Failure (TS 24.501 8.2.1–8.2.4) between SEAF and UE.
 */
import { InputError, UeKeysError } from '../errors.js';
import { ref } from '../reference/kdf.js';
import type { AuthenticationRequest } from '../ue/ue-aka.js';
import type { Trace } from '../trace.js';
import { record, type Udm } from './udm.js';

export type { AuthenticationRequest };

/** 5G SE AV (TS 33.501 6.1.3.2 step 5): RAND, AUTN, HXRES*. */
export interface SeAv { rand: Uint8Array; autn: Uint8Array; hxresStar: Uint8Array }

/** Result of the AUSF's confirmation (6.1.3.2 steps 10–12). */
export type AusfConfirmation = { result: 'success'; supi: string; kseaf: Uint8Array } | { result: 'failure'; reason: string };

/** A call out of order (no authentication in progress, unknown context id). */
export class NetworkStateError extends UeKeysError {}

interface AusfCtx { supi: string; snn: string; rand: Uint8Array; xresStar: Uint8Array; kausf: Uint8Array; kseaf: Uint8Array; done: boolean }

const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && Buffer.from(a).equals(Buffer.from(b));

/** The AUSF: asks the UDM for a 5G HE AV, serves the 5G SE AV, verifies RES* and holds KAUSF. */
export class Ausf {
  private readonly ctx = new Map<string, AusfCtx>();
  private readonly kausfBySupi = new Map<string, Uint8Array>();

  constructor(readonly udm: Udm, readonly trace: Trace = udm.trace) {}

  /**
   * Nausf_UEAuthentication_Authenticate Request (SUPI, SNN) (steps 1–6): get the 5G HE AV from
   * the UDM, keep XRES* and KAUSF, compute HXRES* (A.5) and KSEAF (A.6), return the 5G SE AV.
   */
  authenticate(supi: string, snn: string, opts: { amf?: Uint8Array } = {}): { authCtxId: string; seAv: SeAv } {
    record(this.trace, 'TS 33.501 6.1.3.2 step 2', `AUSF → UDM: Nudm_UEAuthentication_Get Request (SUPI ${supi}, SNN ${snn})`);
    const he = this.udm.generateHeAv(supi, snn, opts);
    record(this.trace, 'TS 33.501 6.1.3.2 step 4', 'UDM → AUSF: Nudm_UEAuthentication_Get Response (5G HE AV)', { rand: he.rand, autn: he.autn, xres_star: he.xresStar, kausf: he.kausf });
    const hxresStar = ref.hresStar(he.rand, he.xresStar);
    const kseaf = ref.kseaf(he.kausf, snn);
    const authCtxId = Buffer.from(this.udm.random(8)).toString('hex');
    this.ctx.set(authCtxId, { supi, snn, rand: he.rand, xresStar: he.xresStar, kausf: he.kausf, kseaf, done: false });
    record(this.trace, 'TS 33.501 6.1.3.2 step 5', `AUSF: stores XRES*, KAUSF; HXRES* (A.5), KSEAF (A.6) [${authCtxId}]`, { hxres_star: hxresStar, kseaf });
    const seAv = { rand: he.rand, autn: he.autn, hxresStar };
    record(this.trace, 'TS 33.501 6.1.3.2 step 6', 'AUSF → SEAF: Nausf_UEAuthentication_Authenticate Response (5G SE AV)', { rand: seAv.rand, autn: seAv.autn, hxres_star: hxresStar });
    return { authCtxId, seAv };
  }

  /**
   * Nausf_UEAuthentication_Authenticate Request with RES* (steps 10–12): RES* = XRES* → success
   * with the SUPI and KSEAF (KAUSF kept for the SUPI, 6.1.3.2 step 11); otherwise failure.
   */
  confirm(authCtxId: string, resStar: Uint8Array): AusfConfirmation {
    const c = this.need(authCtxId);
    c.done = true;
    const ok = same(resStar, c.xresStar);
    record(this.trace, 'TS 33.501 6.1.3.2 step 11', `AUSF: RES* ${ok ? '=' : '≠'} XRES* [${authCtxId}]`, { res_star: resStar, xres_star: c.xresStar });
    if (!ok) return { result: 'failure', reason: 'RES* does not equal XRES*' };
    this.kausfBySupi.set(c.supi, c.kausf);
    record(this.trace, 'TS 33.501 6.1.3.2 step 12', 'AUSF → SEAF: Nausf_UEAuthentication_Authenticate Response (success, SUPI, KSEAF)', { kseaf: c.kseaf });
    return { result: 'success', supi: c.supi, kseaf: c.kseaf };
  }

  /**
   * Nausf_UEAuthentication_Authenticate Request with the synchronisation failure indication
   * (RAND, AUTS) (6.1.3.3.2): the UDM/ARPF resynchronises and a new 5G SE AV follows; null when
   * the UDM rejects AUTS (MAC-S failure).
   */
  resynchronise(authCtxId: string, auts: Uint8Array): { authCtxId: string; seAv: SeAv } | null {
    const c = this.need(authCtxId);
    c.done = true;
    record(this.trace, 'TS 33.501 6.1.3.3.2', 'AUSF → UDM: Nudm_UEAuthentication_Get Request (synchronisation failure: RAND, AUTS)', { rand: c.rand, auts });
    if (this.udm.resynchronise(c.supi, c.rand, auts) === null) return null;
    return this.authenticate(c.supi, c.snn);
  }

  /** KAUSF kept after a successful authentication of `supi` (6.1.3.2 step 11), or undefined. */
  kausf(supi: string): Uint8Array | undefined { return this.kausfBySupi.get(supi)?.slice(); }

  private need(id: string): AusfCtx {
    const c = this.ctx.get(id);
    if (!c || c.done) throw new NetworkStateError(`AUSF: no authentication in progress with id ${JSON.stringify(id)}`);
    return c;
  }
}

/** The SEAF's verdict on the Authentication Response (steps 9–12 and A.7). */
export type SeafResult =
  | { result: 'success'; supi: string; ngKsi: number; abba: Uint8Array; kseaf: Uint8Array; kamf: Uint8Array }
  | { result: 'failure'; reason: string };

/** The SEAF (co-located with the AMF) of one serving network. */
export class Seaf {
  private pending: { authCtxId: string; supi: string; ngKsi: number; abba: Uint8Array; seAv: SeAv } | null = null;

  constructor(readonly ausf: Ausf, readonly snn: string, readonly trace: Trace = ausf.trace) {}

  /**
   * Start 5G AKA for `supi` (steps 1, 6–7): get a 5G SE AV from the AUSF and build the NAS
   * Authentication Request with the ngKSI and ABBA (0x0000 by default, TS 33.501 A.7.1).
   */
  startAuthentication(supi: string, opts: { ngKsi?: number; abba?: Uint8Array; amf?: Uint8Array } = {}): AuthenticationRequest {
    const ngKsi = opts.ngKsi ?? 0, abba = opts.abba ?? new Uint8Array(2);
    if (!Number.isInteger(ngKsi) || ngKsi < 0 || ngKsi > 6) throw new InputError('ngKsi', `must be 0..6, got ${ngKsi}`, ngKsi);
    record(this.trace, 'TS 33.501 6.1.3.2 step 1', `SEAF → AUSF: Nausf_UEAuthentication_Authenticate Request (SUPI ${supi}, SNN ${this.snn})`);
    const { authCtxId, seAv } = this.ausf.authenticate(supi, this.snn, { amf: opts.amf });
    return this.send(authCtxId, supi, ngKsi, abba, seAv);
  }

  /**
   * Authentication Response (steps 8–12): HRES* = A.5(RAND, RES*) must equal HXRES*, then the
   * AUSF checks RES* against XRES*; on success KAMF = A.7(KSEAF, SUPI, ABBA).
   */
  handleAuthenticationResponse(resStar: Uint8Array): SeafResult {
    const p = this.need();
    this.pending = null;
    const hresStar = ref.hresStar(p.seAv.rand, resStar);
    const ok = same(hresStar, p.seAv.hxresStar);
    record(this.trace, 'TS 33.501 6.1.3.2 step 9', `UE → SEAF: Authentication Response; SEAF: HRES* ${ok ? '=' : '≠'} HXRES*`, { res_star: resStar, hres_star: hresStar, hxres_star: p.seAv.hxresStar });
    if (!ok) return { result: 'failure', reason: 'HRES* does not equal HXRES*' };
    record(this.trace, 'TS 33.501 6.1.3.2 step 10', 'SEAF → AUSF: Nausf_UEAuthentication_Authenticate Request (RES*)', { res_star: resStar });
    const a = this.ausf.confirm(p.authCtxId, resStar);
    if (a.result === 'failure') return a;
    const kamf = ref.kamf(a.kseaf, a.supi, p.abba);
    record(this.trace, 'TS 33.501 6.1.3.2 step 12', `SEAF: KAMF (A.7) for ngKSI ${p.ngKsi}`, { kseaf: a.kseaf, abba: p.abba, kamf });
    return { result: 'success', supi: a.supi, ngKsi: p.ngKsi, abba: p.abba, kseaf: a.kseaf, kamf };
  }

  /**
   * Authentication Failure (TS 24.501 5.4.1.3.7): #21 with AUTS → resynchronisation through the
   * AUSF and a new Authentication Request (TS 33.501 6.1.3.3.2); any other cause (or an AUTS the
   * UDM rejects) ends the procedure: null.
   */
  handleAuthenticationFailure(cause: number, auts?: Uint8Array): AuthenticationRequest | null {
    const p = this.need();
    this.pending = null;
    record(this.trace, 'TS 24.501 5.4.1.3.5', `UE → SEAF: Authentication Failure (5GMM cause #${cause})`, auts ? { auts } : {});
    if (cause !== 21 || !auts) return null;
    record(this.trace, 'TS 33.501 6.1.3.3.2', 'SEAF → AUSF: Nausf_UEAuthentication_Authenticate Request (synchronisation failure indication, RAND, AUTS)', { rand: p.seAv.rand, auts });
    const r = this.ausf.resynchronise(p.authCtxId, auts);
    return r && this.send(r.authCtxId, p.supi, p.ngKsi, p.abba, r.seAv);
  }

  private send(authCtxId: string, supi: string, ngKsi: number, abba: Uint8Array, seAv: SeAv): AuthenticationRequest {
    this.pending = { authCtxId, supi, ngKsi, abba, seAv };
    record(this.trace, 'TS 33.501 6.1.3.2 step 7', `SEAF → UE: Authentication Request (ngKSI ${ngKsi})`, { rand: seAv.rand, autn: seAv.autn, abba });
    return { ngKsi, abba: abba.slice(), rand: seAv.rand.slice(), autn: seAv.autn.slice() };
  }

  private need() {
    if (!this.pending) throw new NetworkStateError('SEAF: no Authentication Request outstanding');
    return this.pending;
  }
}
