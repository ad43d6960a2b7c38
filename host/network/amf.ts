/**
 * An AMF model (source or target of a mobility registration update, TS 33.501 6.9.3 with seed 000's change,
 * TS 23.502 4.2.2.2.2), written with node:crypto only: its UE contexts, the context transfer it
 * answers as source AMF (with or without horizontal KAMF derivation, and its retention policy),
 * and the NAS security it runs as serving AMF.
 */
import { ref } from '../reference/kdf.js';
import { toHex } from '../hex.js';
import { NetworkNasContext } from './nas-security.js';
import type { Trace, Actor } from '../trace.js';

export type RetentionPolicy = 'keep' | 'delete';
/** How long a source AMF keeps a transferred context without hearing the outcome (modelling choice). */
export const KEPT_CONTEXT_TIMER_S = 60;

/** What the AMF holds for one UE. */
export interface AmfUeContext {
  supi: string; guti: Uint8Array; nas: NetworkNasContext; ueSecurityCapabilities: Uint8Array; transferPending: boolean;
  /** A stored non-current 5G security context (e.g. from a primary authentication whose SMC has not run). */
  nonCurrent?: NetworkNasContext | null;
}

/** Namf_Communication_UEContextTransfer response (TS 23.502 4.2.2.2.2 step 5). */
export type ContextTransfer =
  | { ok: true; supi: string; keyAmfHDerivationInd: boolean; kamf: Uint8Array; ngKsi: number; ueSecurityCapabilities: Uint8Array;
      nea: number; nia: number; ulLast: number; dlNext: number;
      /** A stored non-current 5G security context sent along — only without horizontal KAMF
       *  derivation (modelling choice: TS 33.501 6.9.3 forbids it only when KAMF′ was derived). */
      nonCurrent?: { kamf: Uint8Array; ngKsi: number } }
  | { ok: false; reason: string };

export class Amf {
  readonly contexts = new Map<string, AmfUeContext>();
  constructor(readonly name: Actor, readonly trace: Trace, readonly policy: { horizontal?: boolean; retention?: RetentionPolicy } = {}) {}

  add(ctx: Omit<AmfUeContext, 'transferPending'> & { transferPending?: boolean }): void { this.contexts.set(toHex(ctx.guti), { ...ctx, transferPending: false }); }
  find(guti: Uint8Array): AmfUeContext | undefined { return this.contexts.get(toHex(guti)); }
  /** The KAMF this AMF holds for the UE, or null when it has no context. */
  kamfOf(guti: Uint8Array): Uint8Array | null { return this.find(guti)?.nas.kamf ?? null; }

  /**
   * Source AMF side of the context transfer (6.9.3 b–c): find the UE by 5G-GUTI, verify the
   * integrity of the forwarded Registration Request with the context it holds, then send either
   * KAMF′ = A.13(KAMF, DIRECTION 0, UL NAS COUNT of that Registration Request) with
   * keyAmfHDerivationInd, or the current KAMF. Retention: `delete` removes the context right after
   * the transfer (the text before the change); `keep` keeps it until told that the mobility
   * registration completed (the change in the seed).
   */
  contextTransfer(guti: Uint8Array, registrationRequest: Uint8Array): ContextTransfer {
    const c = this.find(guti);
    if (!c) {
      this.trace.add(this.name, 'Context transfer refused: no UE context for this 5G-GUTI', { guti });
      return { ok: false, reason: 'no UE context for this 5G-GUTI' };
    }
    const v = c.nas.verifyUplink(registrationRequest);
    if (!v) {
      this.trace.add(this.name, 'Integrity check of the forwarded Registration Request FAILED', { kamf: c.nas.kamf }, { clause: 'TS 33.501 6.9.3 b' });
      return { ok: false, reason: 'integrity check of the forwarded Registration Request failed' };
    }
    const horizontal = this.policy.horizontal ?? true;
    const kamf = horizontal ? ref.kamfPrime(c.nas.kamf, 0, v.count) : c.nas.kamf;
    this.trace.add(this.name, horizontal ? "Registration Request verified; derives KAMF′ (horizontal derivation)" : 'Registration Request verified; transfers the current KAMF', {
      ulCountRegistrationRequest: v.count, kamf: c.nas.kamf, ...(horizontal ? { kamfPrime: kamf } : {}), ngKsi: c.nas.ngKsi,
    }, { clause: horizontal ? 'TS 33.501 6.9.3 b ii, A.13' : 'TS 33.501 6.9.3 b i' });
    if (horizontal && c.nonCurrent) {
      // 6.9.3: "If the source AMF has derived a new key KAMF, ... the source AMF shall in this case also delete any
      // stored non-current 5G security context, and not transfer any non-current 5G security context to the target AMF."
      this.trace.add(this.name, 'Deletes its stored non-current 5G security context (KAMF′ derived; never transferred)', { nonCurrentKamf: c.nonCurrent.kamf, ngKsi: c.nonCurrent.ngKsi }, { clause: 'TS 33.501 6.9.3' });
      c.nonCurrent = null;
    }
    const out: ContextTransfer = {
      ok: true, supi: c.supi, keyAmfHDerivationInd: horizontal, kamf, ngKsi: c.nas.ngKsi, ueSecurityCapabilities: c.ueSecurityCapabilities,
      nea: c.nas.nea, nia: c.nas.nia, ulLast: c.nas.ulLast['3gpp'], dlNext: c.nas.dlNext['3gpp'],
      ...(c.nonCurrent ? { nonCurrent: { kamf: c.nonCurrent.kamf.slice(), ngKsi: c.nonCurrent.ngKsi } } : {}),
    };
    if ((this.policy.retention ?? 'keep') === 'delete') {
      this.contexts.delete(toHex(guti));
      this.trace.add(this.name, 'Deletes the 5G security context it held (retention policy: delete)', {}, { clause: 'TS 33.501 6.9.3 (before the change)' });
    } else {
      c.transferPending = true;
      this.trace.add(this.name, 'Keeps its 5G security context until the mobility registration completes (retention policy: keep)', {}, { clause: 'TS 33.501 6.9.3 with the seed 000 change' });
    }
    return out;
  }

  /** The target AMF reports the outcome of the mobility registration (Namf_Communication_
   *  RegistrationStatusUpdate, TS 23.502 4.2.2.2.2 (RegistrationStatusUpdate; its use here follows seed 000)): success → the kept context goes. */
  registrationStatusUpdate(guti: Uint8Array, success: boolean): void {
    const c = this.find(guti);
    if (!c) return;
    if (success) {
      this.contexts.delete(toHex(guti));
      this.trace.add(this.name, 'Mobility registration completed: deletes the kept 5G security context', {}, { clause: 'TS 33.501 6.9.3 with the seed 000 change' });
    } else {
      c.transferPending = false;
      this.trace.add(this.name, 'Mobility registration failed: keeps the 5G security context', { kamf: c.nas.kamf });
    }
  }

  /**
   * The kept context's guard timer expired with no RegistrationStatusUpdate (modelling choice: the
   * source AMF keeps a transferred context at most KEPT_CONTEXT_TIMER_S; TS 23.502 4.2.2.2.2 (RegistrationStatusUpdate; its use here follows seed 000)
   * gives the notification, not a timer): the context is deleted.
   */
  expireKeptContext(guti: Uint8Array): void {
    const c = this.find(guti);
    if (!c || !c.transferPending) return;
    this.contexts.delete(toHex(guti));
    this.trace.add(this.name, `No RegistrationStatusUpdate within ${KEPT_CONTEXT_TIMER_S} s: the kept 5G security context expires and is deleted`, {}, { clause: 'modelling choice (README)' });
  }
}
