/**
 * SRVCC from 5G to UTRAN CS on the network side, written with node:crypto only (the reference KDF,
 * never the firmware): the AMF step on Handover Required, MME_SRVCC, and the MSC server enhanced
 * for SRVCC. Published procedure (TS 33.501 Annex J / the SRVCC clause; A.21; TS 33.401 A.12) by
 * default; the draft change request's variants (seed 003: MME treats the key as CK ‖ IK; direct
 * AMF–MSC server interface) as named options. The KAMF never leaves the AMF.
 */
import { kdfRef, ref } from '../reference/kdf.js';
import { toHex } from '../hex.js';
import { InputError } from '../errors.js';
import type { AmfUeContext } from './amf.js';
import type { Trace, Actor } from '../trace.js';

import type { SrvccVariant } from '../types.js'; export type { SrvccVariant };
/** FC of KASME_SRVCC, TS 33.501 A.21. */
export const FC_A21 = 0x7d;

const be32 = (v: number) => Uint8Array.of((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

/** The AMF's output on Handover Required. */
export interface AmfSrvccStep {
  variant: SrvccVariant; fc: number;
  dlCount: number;                 // the DL NAS COUNT that went into the derivation (before +1)
  /** KASME_SRVCC (mme-derive) or the key the MME splits (mme-concat); null for direct. */
  kasmeSrvcc: Uint8Array | null;
  /** direct only: CK ‖ IK the AMF derived itself. */
  ckIk: Uint8Array | null;
  eKsi: number | null;             // ngKSI → eKSI (MME variants)
  ksiSrvcc: number | null;         // ngKSI → KSISRVCC (direct)
  ueSecurityCapabilities: Uint8Array;
  /** The AMF-step key equals the 5G→EPS handover K′ASME (A.14.2) of the same KAMF and COUNT. */
  keySeparationWarning: boolean;
}

/** PS to CS HO request towards the MSC server: CK, IK, KSI and the UE security capability. */
export interface PsToCsRequest { ck: Uint8Array; ik: Uint8Array; ksi: number; ueSecurityCapabilities: Uint8Array; dlCount?: number }
const PS_TO_CS_FIELDS = new Set(['ck', 'ik', 'ksi', 'ueSecurityCapabilities', 'dlCount']);

/**
 * AMF side of SRVCC (J.1 steps 1–2 / draft X.1.1 steps 2–3, X.1.2 steps 2–3). Keeps, per UE, the
 * published rule that after a completed SRVCC the UE must be (re)authenticated before its 5G
 * context is used again.
 */
export class SrvccAmf {
  private readonly reauth = new Set<string>();
  constructor(readonly name: Actor, readonly trace: Trace) {}

  /**
   * Handover Required for SRVCC: key = KDF(KAMF, FC, P0 = current DL NAS COUNT) — A.21 with
   * FC 0x7D — THEN the DL NAS COUNT is incremented (the key's COUNT is never used for a NAS
   * message). MME variants map ngKSI → eKSI; direct maps ngKSI → KSISRVCC and uses the key as
   * CK ‖ IK. The HO command will carry the 4 LSB of that COUNT.
   */
  handoverRequired(c: AmfUeContext, variant: SrvccVariant, fc = FC_A21): AmfSrvccStep {
    if (fc < 0 || fc > 0xff || !Number.isInteger(fc)) throw new InputError('fc', `must be one octet, got ${fc}`, fc);
    const nas = c.nas, kamf = nas.kamf;
    const dlCount = nas.dlNext['3gpp'];
    if (dlCount > 0xffffff) throw new Error('DL NAS COUNT would wrap: the AMF must re-key first (TS 33.501 6.9.4.2)');
    const key = fc === FC_A21 ? ref.kasmeSrvcc(kamf, dlCount) : kdfRef(kamf, fc, [be32(dlCount)]);
    nas.dlNext['3gpp'] = dlCount + 1; // "and then increments the DL NAS COUNT"
    const keySeparationWarning = same(key, ref.kasmePrime(kamf, 'ho', dlCount));
    const ksi = nas.ngKsi & 7;
    this.trace.add(this.name, variant === 'direct'
      ? `Handover Required (SRVCC): derives CKSRVCC ‖ IKSRVCC from KAMF (draft, AMF–MSC server interface, FC 0x${hex2(fc)}); ngKSI → KSISRVCC`
      : `Handover Required (SRVCC): derives ${fc === FC_A21 ? 'KASME_SRVCC (A.21)' : `the SRVCC key with FC 0x${hex2(fc)} (draft)`}; ngKSI → eKSI; then DL NAS COUNT + 1`,
    { kamf, dlCount, [variant === 'direct' ? 'ckIk' : 'kasmeSrvcc']: key, ksi, dlCountNext: nas.dlNext['3gpp'],
      ...(keySeparationWarning ? { keySeparationWarning: 'the key equals K′ASME of a 5G→EPS handover (A.14.2) for this KAMF and COUNT' } : {}) },
    { clause: variant === 'mme-derive' && fc === FC_A21 ? 'TS 33.501 J.1 step 1, A.21' : 'draft annex X.1 (seed 003)' });
    if (keySeparationWarning) this.trace.add(this.name, 'KEY SEPARATION FAILURE: FC 0x74 reuses the A.14.2 input space, so a new FC (0x7D, A.21) was needed', {}, { clause: 'TS 33.501 A.21' });
    return {
      variant, fc, dlCount, kasmeSrvcc: variant === 'direct' ? null : key, ckIk: variant === 'direct' ? key : null,
      eKsi: variant === 'direct' ? null : ksi, ksiSrvcc: variant === 'direct' ? ksi : null,
      ueSecurityCapabilities: c.ueSecurityCapabilities, keySeparationWarning,
    };
  }

  /** direct variant: the PS to CS HO request the AMF itself sends to the MSC server. */
  directRequest(s: AmfSrvccStep): PsToCsRequest {
    if (!s.ckIk || s.ksiSrvcc === null) throw new InputError('variant', 'direct request needs the direct variant', s.variant);
    return { ck: s.ckIk.slice(0, 16), ik: s.ckIk.slice(16, 32), ksi: s.ksiSrvcc, ueSecurityCapabilities: s.ueSecurityCapabilities, dlCount: s.dlCount };
  }

  /** The SRVCC handover completed: the UE's 5G context may be used again only after a
   *  successful (re)authentication in 5GS (J.1). */
  handoverCompleted(c: AmfUeContext): void {
    this.reauth.add(toHex(c.guti));
    this.trace.add(this.name, 'SRVCC completed: the UE must be (re)authenticated before its 5G context is used again', {}, { clause: 'TS 33.501 J.1' });
  }
  requiresReauthentication(c: AmfUeContext): boolean { return this.reauth.has(toHex(c.guti)); }
  /** A primary authentication of the UE succeeded. */
  reauthenticated(c: AmfUeContext): void { this.reauth.delete(toHex(c.guti)); }
}

/** MME_SRVCC (J.1 step 3 / draft X.1.1 step 4). */
export class MmeSrvcc {
  constructor(readonly trace: Trace) {}

  /** Forward Relocation from the AMF → PS to CS HO request: `mme-derive` CKSRVCC ‖ IKSRVCC =
   *  TS 33.401 A.12(KASME_SRVCC, NAS downlink COUNT 0); `mme-concat` CK ‖ IK = the received key.
   *  eKSI → KSISRVCC. */
  psToCs(s: AmfSrvccStep): PsToCsRequest {
    if (!s.kasmeSrvcc || s.eKsi === null) throw new InputError('variant', 'MME_SRVCC needs an MME variant', s.variant);
    const { ck, ik } = s.variant === 'mme-derive' ? ref.ckIkSrvcc(s.kasmeSrvcc, 0) : { ck: s.kasmeSrvcc.slice(0, 16), ik: s.kasmeSrvcc.slice(16, 32) };
    this.trace.add('MME', s.variant === 'mme-derive' ? 'Derives CKSRVCC ‖ IKSRVCC = TS 33.401 A.12(KASME_SRVCC, DL NAS COUNT 0); eKSI → KSISRVCC'
      : 'Treats the received key as CKSRVCC ‖ IKSRVCC (draft); eKSI → KSISRVCC', { kasmeSrvcc: s.kasmeSrvcc, ck, ik, ksi: s.eKsi },
    { to: 'MSC server', clause: s.variant === 'mme-derive' ? 'TS 33.501 J.1 step 3, TS 33.401 A.12' : 'draft X.1.1 step 4 (seed 003)' });
    return { ck, ik, ksi: s.eKsi, ueSecurityCapabilities: s.ueSecurityCapabilities, dlCount: s.dlCount };
  }
}

/** The MSC server's mapped SRVCC security context for one UE. */
export interface MscContext { ck: Uint8Array; ik: Uint8Array; ksi: number; ueSecurityCapabilities: Uint8Array }

/** MSC server enhanced for SRVCC: it learns CK, IK, KSI and the UE security capability — never
 *  KAMF (J.1: "the MSC server should never know the KAMF"). */
export class MscServer {
  readonly contexts = new Map<string, MscContext>();
  constructor(readonly trace: Trace) {}

  /** PS to CS HO request: anything but the allowed fields (a KAMF above all) is refused. */
  psToCsHandoverRequest(ue: string, req: PsToCsRequest, from: Actor): MscContext {
    for (const k of Object.keys(req)) if (!PS_TO_CS_FIELDS.has(k)) throw new InputError(k, 'must not reach the MSC server (it receives CK, IK, KSI and the UE security capability only)', k);
    const ck = checkKey('ck', req.ck), ik = checkKey('ik', req.ik);
    if (!Number.isInteger(req.ksi) || req.ksi < 0 || req.ksi > 6) throw new InputError('ksi', `must be 0–6, got ${req.ksi}`, req.ksi);
    const c: MscContext = { ck, ik, ksi: req.ksi, ueSecurityCapabilities: req.ueSecurityCapabilities.slice() };
    this.contexts.set(ue, c);
    this.trace.add('MSC server', 'PS to CS HO request received; stores the mapped SRVCC context (CK, IK, KSISRVCC, UE security capability); PS to CS HO response', { ck, ik, ksi: req.ksi }, { to: from, clause: 'TS 33.501 J.1' });
    return c;
  }

  /** The SRVCC handover did not complete: the newly mapped context is deleted (draft X.1.1,
   *  J.1 step 5). */
  handoverFailed(ue: string): void {
    this.contexts.delete(ue);
    this.trace.add('MSC server', 'SRVCC handover not completed: deletes the mapped SRVCC context (CKSRVCC, IKSRVCC, KSISRVCC)', {}, { clause: 'TS 33.501 J.1 / draft X.1.1' });
  }

  /** The CS call ended: the CS security context is released. */
  callEnded(ue: string): void {
    this.contexts.delete(ue);
    this.trace.add('MSC server', 'CS call ended: releases the SRVCC security context', {});
  }

  /** SRVCC from UTRAN back to 5G is not allowed (published text): always refused. */
  srvccToNr(ue: string): { ok: false; reason: string } {
    const reason = 'SRVCC from UTRAN to 5G is not allowed (TS 33.501 J.1); the UE returns by registering in 5GS with a new authentication';
    this.trace.add('MSC server', `Refuses SRVCC back to 5G: ${reason}`, { ue }, { clause: 'TS 33.501 J.1' });
    return { ok: false, reason };
  }
}

function checkKey(field: string, v: unknown): Uint8Array {
  if (!(v instanceof Uint8Array) || v.length !== 16) throw new InputError(field, 'must be 16 bytes', v);
  return v.slice();
}
const hex2 = (v: number) => v.toString(16).padStart(2, '0');
