/**
 * The whole UE: the ME firmware (NAS security contexts, SMC handling), the USIM (a card with its
 * image), the ME NVM, the storage rules of TS 33.501 6.8.1.1 and 5G AKA on the UE. The procedure
 * models drive it message by message; every step leaves a trace entry.
 */
import { UeFirmware, type NasContext, type NasContextHeader, type ProtectedOut, type SmcResult, type Slot } from '../firmware/ue-firmware.js';
import { UeInterworking, type SrvccOutcome, type UeMappedEps, type UeSrvccContext, type UeSrvccKeys } from '../firmware/ue-interworking.js';
import type { SrvccVariant } from '../types.js';
import type { VariantOptions } from '../firmware/variant.js';
import { ContextStore } from './context-store.js';
import { MeStorage } from './me-storage.js';
import type { Usim } from '../usim/usim.js';
import { FID_5GS3GPPLOCI, type StoredNsc } from '../usim/files.js';
import { UeAka, type AuthenticationFailure, type AuthenticationResponse, type PartialNativeContext } from './ue-aka.js';
import { UeEapAkaPrime, type EapPeerAnswer } from './ue-eap-aka-prime.js';
import { eapName, EAP_CODE, parseEap } from '../nas/eap.js';
import * as M from '../nas/messages.js';
import { suciNullScheme, DEFAULT_MNC_DIGITS } from '../nas/identity.js';
import type { Trace } from '../trace.js';
import { InputError, MacFailureError, ReplayError } from '../errors.js';

/** UE security capability (TS 24.501 9.11.3.54): 5G-EA0–3 and 5G-IA0–3 supported. */
export const DEFAULT_UE_SECURITY_CAPABILITIES = Uint8Array.of(0xf0, 0xf0);
/** IMEISV as a 5GS mobile identity value (9.11.3.4, type 101, BCD digits). */
export const DEFAULT_IMEISV = Uint8Array.of(0x45, 0x53, 0x01, 0x20, 0x00, 0x00, 0x00, 0x10, 0xf2);

/** What the UE derived from an SRVCC HO command, with its key-separation check. */
export interface UeSrvccHandover extends UeSrvccKeys {
  /** The AMF-step key (KASME_SRVCC, or CK ‖ IK for `direct`) equals the A.14.2 K′ASME a 5G → EPS
   *  handover with the same KAMF and DL COUNT gives (FC 0x74 reading of the draft): a modelling
   *  check of key separation, not a rule of the spec. */
  keySeparationWarning: boolean;
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

export class UeDevice {
  readonly fw: UeFirmware;
  /** SRVCC, 5G ↔ EPS mapping and N2 handover keys of this UE's firmware (TS 33.501 Annex J, 8, 6.9.2). */
  private readonly iw: UeInterworking;
  readonly store: ContextStore;
  readonly aka: UeAka;
  /** The EAP-AKA′ peer (TS 33.501 6.1.3.1), sharing the 5G AKA side's USIM, firmware and store. */
  readonly eap: UeEapAkaPrime;
  /** ngKSI and ABBA of the last AUTHENTICATION REQUEST that carried an EAP message: the EAP-Success
   *  that ends that run uses them when its own message carries none (TS 24.501 5.4.1.2.2.8). */
  private eapRun: { ngKsi: number; abba: Uint8Array } | null = null;
  guti: Uint8Array | null = null;
  /** MNC length of the subscriber's IMSI (EF AD on a real USIM, TS 31.102 4.2.18): splits the
   *  SUPI into MCC ‖ MNC ‖ MSIN for the SUCI. Default 2 digits. */
  mncDigits: number = DEFAULT_MNC_DIGITS;
  /** Whether the trace shows keys: those a completed SECURITY MODE COMMAND took into use (KAMF or
   *  KAMF′, KNASint, KgNB — the one place the trace asks the firmware for key bytes, with one
   *  `ctx_read` of CURRENT) and the SRVCC keys (KASME_SRVCC, CK/IK). On by default (`ue-keys run`
   *  shows every key); off, the trace shows only counts, identifiers and outcomes. */
  traceKeys = true;

  constructor(readonly usim: Usim, me: MeStorage, readonly trace: Trace, readonly snn: string,
    readonly caps: Uint8Array = DEFAULT_UE_SECURITY_CAPABILITIES, fw?: UeFirmware | VariantOptions) {
    // `fw`: the firmware to use, or `{ variant }` for a new instance of that build (default: the
    // process-wide default variant, host/firmware/variant.ts)
    this.fw = fw instanceof UeFirmware ? fw : new UeFirmware(fw);
    this.iw = new UeInterworking(this.fw);
    this.fw.configure({ ueSecurityCapabilities: caps, imeisv: DEFAULT_IMEISV });
    this.store = new ContextStore(me);
    // Write order across the two media made visible (TS 33.501 6.8.1.1.1: the ME copy goes after the USIM write)
    this.store.onWrite = (w) => this.trace.add(w.medium === 'usim' ? 'USIM' : 'UE',
      `${w.medium === 'usim' ? 'USIM' : 'ME NVM'} write: ${w.item === 'nsc' ? 'EF 5GS3GPPNSC' : w.item === 'authKeys' ? 'EF 5GAUTHKEYS' : 'EF 5GS3GPPLOCI'} ${w.action}`,
      { medium: w.medium, item: w.item, action: w.action }, { clause: 'TS 33.501 6.8.1.1' });
    this.aka = new UeAka({ usim, kd: this.fw.keys, contextStore: this.store });
    this.eap = new UeEapAkaPrime(this.aka, { mncDigits: () => this.mncDigits });
  }

  /** Power-on (6.8.1.1.2.1): load the stored native context, if marked valid, into CURRENT. */
  powerOn(): StoredNsc | null {
    const r = this.store.powerOn(this.usim.storage);
    const loci = this.store.loadLoci();
    if (loci?.valid && loci.guti) this.guti = loci.guti.slice(2);
    if (r.context) {
      const c = r.context;
      this.fw.install('current', { kamf: c.kamf, ngKsi: c.ngKsi, type: 'full-native', nea: c.nasAlgs.ciphering, nia: c.nasAlgs.integrity });
      // Every stored context was taken into use by an SMC (DL COUNT 0) or a NASC after which the
      // target AMF starts at DL 1 (6.9.2.3.3): the stored DL COUNT was accepted, also when it is 0,
      // so a replayed DL 0 is refused after power-on (TS 33.501 6.4.3.1 replay protection).
      this.fw.setCounts('current', '3gpp', c.ulNasCount, c.dlNasCount, true);
    }
    this.trace.add('UE', `Power-on: ${r.reason}`, { source: r.source, kamf: r.context?.kamf ?? null, ngKsi: r.context?.ngKsi ?? null, ulCount: r.context?.ulNasCount ?? null },
      { clause: 'TS 33.501 6.8.1.1.2.1' });
    return r.context;
  }

  /** The current context as the USIM stores it (EF 5GS3GPPNSC fields). */
  storedForm(ctx: NasContext = this.fw.read('current')): StoredNsc {
    return {
      ngKsi: ctx.ngKsi & 7, kamf: ctx.kamf, ulNasCount: ctx.ulCount['3gpp'], dlNasCount: ctx.dlCount['3gpp'],
      nasAlgs: { ciphering: ctx.nea, integrity: ctx.nia }, epsNasAlgs: ctx.epsAlgs ? { ciphering: ctx.epsAlgs >> 4, integrity: ctx.epsAlgs & 15 } : null,
    };
  }

  /** After REGISTRATION REJECT #3/#6/#7, until power-on or USIM removal (TS 24.501 5.5.1.3.5). */
  get usimInvalidFor5gs(): boolean { return this.store.usimInvalidFor5gs; }

  /** Send a REGISTRATION REQUEST (initial or mobility registration updating). Refused (a
   *  ContextStateError, nothing sent, nothing written) while the USIM is invalid for 5GS services. */
  registrationRequest(type: number): { message: Uint8Array; count: number | null; plain: Uint8Array } {
    // Only the key-free header: the request needs the ngKSI, not the KAMF (the firmware protects it)
    const cur = this.fw.header('current');
    // After SRVCC the old context may not be used (J.1): the request says "no key is available" (ngKSI 111)
    const has = (cur.type === 'full-native' || cur.type === 'mapped') && !this.fw.reauthRequired();
    this.store.beginRegistration(type === M.REG_TYPE.INITIAL ? 'initial' : 'mobility');
    const identity = this.guti ?? this.suci();
    const plain = M.registrationRequest({ type, ngKsi: has ? cur.ngKsi : M.NGKSI_NO_KEY, identity, ueSecurityCapabilities: this.caps });
    const out = this.fw.registrationRequest(plain);
    this.trace.add('UE', `REGISTRATION REQUEST (${type === M.REG_TYPE.INITIAL ? 'initial' : 'mobility registration updating'})${out.count === null ? ', unprotected' : ', integrity protected'}`,
      { ulCountRegistrationRequest: out.count, ngKsi: has ? cur.ngKsi : null, identity }, { clause: 'TS 24.501 5.5.1, TS 33.501 6.9.3', message: out.message });
    return { ...out, plain };
  }

  /** AUTHENTICATION REQUEST → RES* or a failure (5G AKA on the UE); a success installs the new
   *  partial native context in slot NEW. */
  authenticationRequest(plain: Uint8Array): AuthenticationResponse | AuthenticationFailure {
    const p = M.parseAuthenticationRequest(plain);
    if (p.eap) throw new InputError('EAP message', 'this AUTHENTICATION REQUEST runs EAP-AKA′: use authenticationRequestEap', p.eap.length);
    if (!p.rand) throw new InputError('RAND', 'is missing from the AUTHENTICATION REQUEST (5G AKA, TS 24.501 8.2.1)');
    if (!p.autn) throw new InputError('AUTN', 'is missing from the AUTHENTICATION REQUEST (5G AKA, TS 24.501 8.2.1)');
    const req = { ngKsi: p.ngKsi, abba: p.abba, rand: p.rand, autn: p.autn };
    const r = this.aka.handleAuthenticationRequest(req, this.snn);
    if (r.message === 'AUTHENTICATION RESPONSE') {
      // the firmware installed the KAMF in slot NEW itself (aka_5g): it is not traced, it never left
      this.trace.add('UE', 'AUTHENTICATION RESPONSE (RES*); new partial native context', { resStar: r.resStar, kausf: r.context.kausf, kseaf: r.context.kseaf, ngKsi: r.context.ngKsi },
        { clause: 'TS 33.501 6.1.3.2, A.2/A.4/A.6/A.7' });
    } else {
      this.trace.add('UE', `AUTHENTICATION FAILURE (#${r.cause} ${r.causeName})`, { auts: r.auts ?? null }, { clause: 'TS 24.501 5.4.1.3.5' });
    }
    return r;
  }

  /**
   * AUTHENTICATION REQUEST carrying an EAP-Request (EAP-AKA′, TS 24.501 5.4.1.2.2.3/5.4.1.2.2.4;
   * TS 33.501 6.1.3.1) → the AUTHENTICATION RESPONSE with the peer's EAP-Response (every answer,
   * also Authentication-Reject, Synchronization-Failure and Client-Error, goes in an AUTHENTICATION
   * RESPONSE, TS 24.501 5.4.1.2.2.3), and what the peer did. No context changes here: the keys
   * follow the EAP-Success ({@link authenticationResult} or the SMC).
   */
  authenticationRequestEap(plain: Uint8Array): { response: Uint8Array; answer: EapPeerAnswer; ngKsi: number; awaitingSuccess: boolean } {
    const p = M.parseAuthenticationRequest(plain);
    if (!p.eap) throw new InputError('EAP message', 'is missing from the AUTHENTICATION REQUEST (EAP-AKA′, TS 24.501 8.2.1)');
    if (p.ngKsi > 6) throw new InputError('ngKsi', `must be a native KSI 0..6, got ${p.ngKsi}`, p.ngKsi);
    if (p.abba.length < 2) throw new InputError('abba', `must be at least 2 bytes (TS 24.501 9.11.3.10), got ${p.abba.length}`, p.abba.length);
    const answer = this.eap.handleRequest(p.eap, this.snn);
    if (answer.outcome === 'challenge' || answer.outcome === 'identity' || answer.outcome === 'kdf-negotiation') this.eapRun = { ngKsi: p.ngKsi, abba: p.abba };
    const response = M.authenticationResponseEap(answer.eap);
    this.trace.add('UE', `AUTHENTICATION RESPONSE (${eapName(answer.eap)})${answer.reason ? `: ${answer.reason}` : ''}`,
      answer.outcome === 'challenge' ? { res: answer.res!, kausf: answer.kausf!, ngKsi: p.ngKsi } : answer.auts ? { auts: answer.auts } : {},
      { clause: answer.outcome === 'challenge' ? 'TS 33.501 6.1.3.1 step 6, A.3; RFC 9048 3.3, 3.4.2' : 'TS 33.501 6.1.3.1; RFC 9048; RFC 4187 6.3.1', message: response });
    return { response, answer, ngKsi: p.ngKsi, awaitingSuccess: this.eap.awaitingSuccess };
  }

  /**
   * AUTHENTICATION REJECT (TS 24.501 8.2.5) after EAP-AKA′, with its EAP-Failure: the run ends and
   * the pending KAUSF is wiped. What else the UE does on an AUTHENTICATION REJECT (TS 24.501
   * 5.4.1.2.2.10 / 5.4.1.3.5: delete the 5G-GUTI, ngKSI, USIM invalid …) is not modelled here.
   */
  authenticationReject(plain: Uint8Array): void {
    if (M.messageType(plain) !== M.MT.AUTHENTICATION_REJECT) throw new InputError('message', 'is not an AUTHENTICATION REJECT', plain.length);
    this.eap.handleFailure();
    this.eapRun = null;
    this.trace.add('UE', 'AUTHENTICATION REJECT: EAP-AKA′ run ended, pending KAUSF wiped', {}, { clause: 'TS 24.501 5.4.1.2.2.10' });
  }

  /**
   * AUTHENTICATION RESULT (TS 24.501 5.4.1.2.2.8 / 8.2.3): EAP-Success → KSEAF, KAMF with the
   * message's ABBA (else the AUTHENTICATION REQUEST's), the new partial native context in slot
   * NEW (current only after the SMC); EAP-Failure → the run ends, nothing installed.
   */
  authenticationResult(plain: Uint8Array): { result: 'success'; context: PartialNativeContext } | { result: 'failure' } {
    const r = M.parseAuthenticationResult(plain);
    return this.eapOutcome(r.eap, r.ngKsi, r.abba, 'AUTHENTICATION RESULT');
  }

  private eapOutcome(eap: Uint8Array, ngKsi: number, abba: Uint8Array | undefined, where: string): { result: 'success'; context: PartialNativeContext } | { result: 'failure' } {
    const p = parseEap(eap);
    if (p.code === EAP_CODE.FAILURE) {
      this.eap.handleFailure();
      this.eapRun = null;
      this.trace.add('UE', `${where} (EAP-Failure): authentication failed, no new context`, {}, { clause: 'TS 24.501 5.4.1.2.2.9' });
      return { result: 'failure' };
    }
    const useAbba = abba ?? this.eapRun?.abba;
    if (!useAbba) throw new InputError('ABBA', `is missing from the ${where} and no EAP-AKA′ AUTHENTICATION REQUEST preceded it`);
    // The ngKSI of the run is the one its AUTHENTICATION REQUEST assigned (TS 24.501 5.4.1.2.2.3);
    // an SMC naming another one then fails the firmware's ngKSI check like any SMC would.
    const context = this.eap.handleSuccess(eap, this.eapRun?.ngKsi ?? ngKsi, useAbba, this.snn);
    this.eapRun = null;
    this.fw.install('new', { kamf: context.kamf!, ngKsi: context.ngKsi, type: 'partial-native' });
    this.trace.add('UE', `${where} (EAP-Success): KSEAF, KAMF; new partial native context`, { kausf: context.kausf, kseaf: context.kseaf, kamf: context.kamf, abba: context.abba, ngKsi: context.ngKsi },
      { clause: 'TS 33.501 6.1.3.1 steps 9–12, A.6/A.7; TS 24.501 5.4.1.2.2.8' });
    return { result: 'success', context };
  }

  /**
   * SECURITY MODE COMMAND → COMPLETE or REJECT. One that fails its integrity check (or is a
   * replay) is answered by SECURITY MODE REJECT, cause #23 when the replayed UE security
   * capabilities do not match, else #24 (TS 24.501 5.4.2.5), built by the firmware: protected
   * with the previous 5G NAS security context if there is one the UE may use, else unprotected
   * (TS 33.501 6.7.2). The failed SMC changed no context; a protected reject spends one UL COUNT.
   */
  securityModeCommand(message: Uint8Array): SmcResult {
    // An SMC that carries the EAP-Success of EAP-AKA′ (TS 24.501 5.4.2.2; TS 38.508-1 4.9.8): the
    // KAMF it is protected with comes from that EAP-Success, so handle it first.
    if (message.length > 7 && this.eap.awaitingSuccess) {
      let inner: ReturnType<typeof M.smcEapAndAbba> | null = null;
      try { inner = M.smcEapAndAbba(message.subarray(7)); } catch (e) { if (!(e instanceof InputError)) throw e; } // malformed: the firmware refuses it
      if (inner?.eap) this.eapOutcome(inner.eap, inner.ngKsi, inner.abba, 'SECURITY MODE COMMAND');
    }
    // A partial native context from this UE's primary authentication waits in slot NEW only while
    // the AKA side holds it pending; then its header tells whether this SMC takes it into use.
    const pendingAka = this.aka.pending ? this.fw.header('new') : null;
    let r: SmcResult;
    try {
      r = this.fw.securityModeCommand(message);
    } catch (e) {
      if (!(e instanceof MacFailureError || e instanceof ReplayError)) throw e;
      const caps = message.length > 7 ? M.smcReplayedCaps(message.subarray(7)) : null;
      const cause = caps !== null && (caps.length !== this.caps.length || caps.some((b, i) => b !== this.caps[i])) ? 23 : 24;
      const rej = this.fw.securityModeReject(cause);
      const prev = rej.ulCount !== null ? this.fw.header('current') : null;
      this.trace.add('UE', `SECURITY MODE REJECT #${cause} (${prev ? `protected with the previous context, ngKSI ${prev.ngKsi}` : 'unprotected: no previous context'}): the SECURITY MODE COMMAND failed its ${e instanceof ReplayError ? 'replay' : 'integrity'} check; no context changed`,
        { cause, ngKsi: prev ? prev.ngKsi : null, responseUlCount: rej.ulCount }, { clause: 'TS 33.501 6.7.2; TS 24.501 5.4.2.5', message: rej.response });
      return rej;
    }
    // KAUSF/KSEAF become valid only when this SMC took the AKA's partial context into use
    // (TS 33.501 6.2.2.2, TS 24.501 5.4.2.1): slot NEW is then empty. An SMC with the same ngKSI that
    // derived KAMF′ from the current context (HDP = 1) or took the local emergency KAMF leaves it there.
    if (r.result === 'complete' && pendingAka?.type === 'partial-native' && pendingAka.ngKsi === r.ngKsi
      && this.fw.header('new').type === 'none') this.aka.acceptSmc(r.ngKsi);
    // The trace shows what the SMC returned, and with traceKeys the keys it took into use.
    const keys = r.result === 'complete' && this.traceKeys ? this.fw.read('current') : null;
    this.trace.add('UE', r.result === 'complete' ? `SECURITY MODE COMPLETE${r.hdp ? ' (HDP = 1: KAMF′ derived)' : ''}` : `SECURITY MODE REJECT #${r.cause}`, {
      ...(keys ? { kamf: keys.kamf } : {}), ngKsi: r.ngKsi, ...(keys ? { knasint: keys.knasint, kgnb: keys.kgnb } : {}),
      newKamf: r.result === 'complete' ? r.newKamf : null, smcDlCount: r.dlCount, responseUlCount: r.ulCount, oldContextKept: r.oldKept,
    }, { clause: 'TS 24.501 5.4.2.3, TS 33.501 6.7.2/6.9.3', message: r.response });
    return r;
  }

  /** IDENTITY REQUEST (SUCI) before any security context exists → IDENTITY RESPONSE, unprotected (TS 33.501 6.12.4; TS 24.501 5.4.3, 4.4.4.3). */
  identityRequest(): Uint8Array {
    const response = M.identityResponse(this.suci());
    this.trace.add('UE', 'IDENTITY RESPONSE (SUCI), unprotected', {}, { clause: 'TS 33.501 6.12.4; TS 24.501 5.4.3.3', message: response });
    return response;
  }

  /** The SUCI calculation of a protection scheme other than the null scheme (TS 33.501 6.12.2,
   *  Annex C: Profile A/B), given the SUPI and MNC length, returning the 5GS mobile identity value —
   *  e.g. `suciProtected(concealSupi(supi, hnPublicKey, undefined, { mncDigits }))` of
   *  host/network/suci-profiles.ts with the home network public key a USIM would provision
   *  (EF SUCI_Calc_Info, TS 31.102). Called for every SUCI sent, so each is fresh. Null (default):
   *  the null scheme. The UE layer does not import the ECIES code: the caller plugs it in. */
  suciCalculation: ((supi: string, mncDigits: number) => Uint8Array) | null = null;

  /** The SUPI concealed (TS 33.501 6.12.2) with `suciCalculation`, or with the null scheme when
   *  none is set, encoded per TS 24.501 9.11.3.4. */
  suci(): Uint8Array { return this.suciCalculation ? this.suciCalculation(this.usim.supi, this.mncDigits) : suciNullScheme(this.usim.supi, this.mncDigits); }

  /** A downlink message protected with the current context → plain. */
  downlink(message: Uint8Array): Uint8Array { return this.fw.unprotect('current', '3gpp', message).message; }

  /**
   * REGISTRATION ACCEPT: the registration succeeded — commit (firmware, then USIM/ME), with or
   * without a new 5G-GUTI. Seed 000 (6.9.3): the UE deletes the new context only when the
   * procedure *fails and* it gets no new 5G-GUTI; an accept without one keeps the 5G-GUTI it has.
   */
  registrationAccepted(newGuti: Uint8Array | null): 'committed' {
    this.fw.registrationComplete(true);
    const stored = this.storedForm();
    this.store.registrationCompleted(stored);
    const guti = newGuti ?? this.guti;
    if (guti) {
      this.guti = guti;
      this.store.storeLoci({ guti: Uint8Array.of(0x00, guti.length, ...guti), tai: { plmn: guti.slice(1, 4), tac: Uint8Array.of(0, 0, 1) }, updateStatus: 0 });
    }
    this.trace.add('UE', `Registration complete${newGuti ? '' : ' (no new 5G-GUTI: the old one stays)'}: new context committed; USIM/ME get the new KAMF and ngKSI, marked invalid while registered; old context wiped`, {
      ueCurrentKamf: stored.kamf, ...this.storedSummary(),
    }, { clause: 'TS 33.501 6.9.3, 6.8.1.1.2.1 (stored copy invalid while registered)' });
    return 'committed';
  }

  /**
   * REGISTRATION REJECT with a cause that makes the UE delete its 5G NAS security context and the
   * stored copy (TS 24.501 5.5.1.2.5 / 5.5.1.3.5: #3 illegal UE, #6 illegal ME, #7 5GS services not
   * allowed — "set the 5GS update status to 5U3 ROAMING NOT ALLOWED … delete any 5G-GUTI, last
   * visited registered TAI, TAI list and ngKSI … consider the USIM as invalid for 5GS services until
   * switching off or the UICC containing the USIM is removed"; TS 33.501 6.8.1.1.1: after a
   * Registration Reject all remaining security parameters are removed). KAUSF/KSEAF go as well;
   * EF 5GS3GPPLOCI is rewritten in the same transaction; no registration until power-on.
   */
  registrationRejectedDeleteAll(cause: number): void {
    this.fw.registrationComplete(false);
    for (const slot of ['current', 'new', 'non-current', 'mapped'] as const) this.fw.wipe(slot);
    this.store.deregister('reject', null);
    this.guti = null;
    this.trace.add('UE', `REGISTRATION REJECT #${cause}: 5G NAS security context, stored copy, KAUSF/KSEAF, 5G-GUTI and last visited TAI deleted; 5U3 ROAMING NOT ALLOWED; USIM invalid for 5GS until switch-off`, { ...this.storedSummary() },
      { clause: 'TS 24.501 5.5.1.3.5; TS 33.501 6.8.1.1.1' });
  }

  /** REGISTRATION REJECT (other causes), timeout, SMC failure: roll back to the kept context. The
   *  stored copy is written back marked valid only if the attempt was an initial registration
   *  (TS 33.501 6.8.1.1.2.1; see ContextStore.registrationFailed). */
  registrationFailed(why: string): void {
    this.fw.registrationComplete(false);
    const cur = this.fw.read('current');
    const usable = cur.type === 'full-native';
    this.store.registrationFailed(usable ? this.storedForm(cur) : null);
    this.trace.add('UE', `Registration failed (${why}): new context deleted, old context current again`, {
      ueCurrentKamf: usable ? cur.kamf : null, ...this.storedSummary(),
    }, { clause: this.store.state === 'deregistered' ? 'TS 33.501 6.9.3 with the seed 000 change, 6.8.1.1.2.1 (failed attempt to leave RM-DEREGISTERED: stored valid)'
      : 'TS 33.501 6.9.3 with the seed 000 change, 6.8.1.1.2.1 (still RM-REGISTERED: stored copy stays invalid)' });
  }

  /** SRVCC outcome on the UE (firmware and storage): `completed` also marks the stored native
   *  context invalid, so the re-authentication rule survives a power cycle (TS 33.501 J.1). */
  srvccOutcome(o: SrvccOutcome): void {
    this.iw.srvccOutcome(o);
    if (o === 'completed') {
      this.store.invalidateContext();
      this.trace.add('UE', 'SRVCC completed: stored 5G NAS security context marked invalid (re-authentication required before 5G)', this.storedSummary(), { clause: 'TS 33.501 J.1' });
    }
  }

  /**
   * SRVCC HO command (TS 33.501 J.1 step 4): the UE estimates the DL NAS COUNT from its 4 LSB,
   * derives CKSRVCC ‖ IKSRVCC as `variant` prescribes (FC `fc` for the AMF step) and holds them as
   * the mapped SRVCC context; it also checks the AMF-step key against the A.14.2 K′ASME of the same
   * KAMF and COUNT (see {@link UeSrvccHandover.keySeparationWarning}).
   */
  srvccHoCommand(a: { dlLsb4: number; variant: SrvccVariant; fc: number }): UeSrvccHandover {
    const k = this.iw.srvccHoCommand(a);
    const amfStepKey = k.amfKey ?? Uint8Array.from([...k.ck, ...k.ik]);
    const keySeparationWarning = sameBytes(amfStepKey, this.iw.kasmePrimeHo(this.fw.read('current').kamf, k.dlCount));
    this.trace.add('UE', `Estimates the DL NAS COUNT from its 4 LSB, derives CKSRVCC ‖ IKSRVCC (${a.variant}); mapped SRVCC context`, {
      dlCount: k.dlCount, ...(this.traceKeys ? { ...(k.amfKey ? { kasmeSrvcc: k.amfKey } : {}), ck: k.ck, ik: k.ik } : {}), ksi: k.ksi,
      ...(keySeparationWarning ? { keySeparationWarning: 'the SRVCC key equals the A.14.2 K′ASME (firmware check)' } : {}),
    }, { clause: 'TS 33.501 J.1 step 4' });
    return { ...k, keySeparationWarning };
  }

  /** The mapped SRVCC (CS) context the firmware holds (keys included). */
  srvccContext(): UeSrvccContext { return this.iw.srvccRead(); }

  /** 5G → EPS handover (TS 33.501 8.3.2): HO command with the 8 LSB of the DL NAS COUNT → the
   *  mapped EPS context (K′ASME, EPS NAS keys, KeNB, NH with NCC 2). */
  epsMapHo(dlLsb8: number): ReturnType<UeInterworking['epsMapHo']> { return this.iw.epsMapHo(dlLsb8); }

  /** 5G → EPS idle mobility (TS 33.501 8.5.2, 8.6.1): the TAU Request protected with the current 5G
   *  context and the mapped EPS context from its UL NAS COUNT. */
  epsMapIdle(tau: Uint8Array): UeMappedEps & { message: Uint8Array } { return this.iw.epsMapIdle(tau); }

  /** In EPS after a TAU or handover from 5GS (TS 33.501 8.5.2): the UE deletes any mapped 5G
   *  context and keeps the native one for its return to 5GS. */
  enteredEps(): { hadMapped: boolean; nativeKept: boolean } {
    const hadMapped = this.fw.header('mapped').type !== 'none';
    this.fw.wipe('mapped');
    const nativeKept = this.fw.header('current').type === 'full-native';
    this.trace.add('UE', 'In EPS: mapped 5G context deleted; native 5G context kept', { hadMapped, nativeKept }, { clause: 'TS 33.501 8.5.2' });
    return { hadMapped, nativeKept };
  }

  /** The EPS AS keys while connected in E-UTRAN (TS 33.401 A.3 KeNB from the UL EPS NAS COUNT, A.4 NH). */
  epsAsKeys(kasme: Uint8Array, ulEpsCount: number): { kenb: Uint8Array; nh: Uint8Array } {
    const kenb = this.fw.keys.kenb({ kasme, ulCount: ulEpsCount });
    return { kenb, nh: this.fw.keys.nhEps({ kasme, sync: kenb }) };
  }

  /** EPS → 5G idle mobility (TS 33.501 8.2, 8.6.2): K′AMF = A.15.1 into the MAPPED slot. */
  epsTo5gIdle(a: { kasme: Uint8Array; eKsi: number; ulEpsCount: number }): void { this.iw.epsTo5gIdle(a); }

  /** EPS → 5G handover (TS 33.501 8.4): K′AMF = A.15.2, the NAS transparent container verified. */
  epsTo5gHo(a: { kasme: Uint8Array; nh: Uint8Array; nasc: Uint8Array }): void { this.iw.epsTo5gHo(a); }

  /** N2 handover with an Intra N1 mode NAS transparent container (TS 33.501 6.9.2.3.4). */
  n2Handover(nasc: Uint8Array): { kacf: boolean; ngKsi: number; dlCount: number } { return this.iw.n2Handover(nasc); }

  /** An uplink 5GMM message protected with the current context (security header type `sht`). */
  uplink(plain: Uint8Array, sht: 1 | 2 | 4 = 1): ProtectedOut { return this.fw.protect('current', '3gpp', sht, plain); }

  /** A context slot as the firmware holds it (keys included), for a scenario's summary. */
  context(slot: Slot = 'current'): NasContext { return this.fw.read(slot); }

  /** The key-free part of a context slot (type, ngKSI, algorithms, COUNTs). */
  contextHeader(slot: Slot = 'current'): NasContextHeader { return this.fw.header(slot); }

  /** A copy of the ME firmware's 64 KiB memory (a scenario scans it for leftover keys). */
  memoryImage(): Uint8Array { return this.fw.memory(); }

  /** Power lost (no orderly switch-off): RAM contexts gone, nothing written (6.8.1.1.2.1 decides at power-on). */
  powerLoss(): void {
    this.store.powerLoss();
    this.trace.add('UE', 'POWER LOSS: RAM lost, nothing written to USIM or ME NVM', this.storedSummary(), { clause: 'TS 33.501 6.8.1.1.2.1' });
  }

  /** The stored record (USIM EF 5GS3GPPNSC or ME NVM): its content's KAMF/ngKSI and validity. */
  storedSummary(): { usimKamf: string | null; usimNgKsi: number | null; usimValid: boolean } {
    const s = this.store.stored();
    const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    return { usimKamf: s?.content ? hex(s.content.kamf) : null, usimNgKsi: s?.content?.ngKsi ?? null, usimValid: s?.valid ?? false };
  }

  /** The context EF 5GS3GPPNSC (or ME NVM) holds now, if marked valid. */
  usimContext(): StoredNsc | null {
    const d = this.store.nscLocation === 'usim' ? this.usim.storage.readNsc('3gpp') : this.store.me.readNsc('3gpp');
    return d && d.valid ? (({ valid: _v, ...c }) => c)(d) : null;
  }

  /** The raw EF 5GS3GPPNSC record 1 bytes. */
  usimNscBytes(): Uint8Array | null { return this.usim.storage.hasEf(0x4f03) ? this.usim.storage.readRecord(0x4f03, 1) : null; }

  /** The raw EF 5GS3GPPLOCI bytes (TS 31.102 4.4.11.2), or null when the USIM lacks the EF. */
  usimLociBytes(): Uint8Array | null { return this.usim.storage.hasEf(FID_5GS3GPPLOCI) ? this.usim.storage.readBinary(FID_5GS3GPPLOCI) : null; }
}
