/**
 * SRVCC from 5G to UTRAN CS, end to end (TS 33.501 Annex J / A.21 as published; the draft annex
 * of seed 003 as named variants): a UE registered at an AMF with 5G AKA + SMC gets an SRVCC HO
 * command; the AMF (A.21, then DL COUNT + 1), MME_SRVCC (TS 33.401 A.12 with COUNT 0) or the
 * draft paths feed the MSC server; the UE derives the same CK/IK/KSI in firmware. Then either the
 * handover fails (both sides delete the mapped context) or it completes, the CS call ends, and the
 * UE must be re-authenticated in 5GS before its 5G context is used again.
 */
import { toHex } from '../hex.js';
import { ref } from '../reference/kdf.js';
import { Amf } from '../network/amf.js';
import { SrvccAmf, MmeSrvcc, MscServer, type PsToCsRequest } from '../network/msc.js';
import { FC_KASME_SRVCC } from '../firmware/ue-interworking.js';
import type { SrvccVariant } from '../types.js';
import { StateError, UeKeysError } from '../errors.js';
import * as M from '../nas/messages.js';
import { World, SUBSCRIBER, guti, authLabel, type AuthOptions, type ScenarioOptions } from './setup.js';
import type { TraceStep } from '../trace.js';

export interface SrvccOptions extends ScenarioOptions { variant?: SrvccVariant; fc?: number; outcome?: 'success' | 'failure'; /** reproducible RANDs */ seed?: number }

/** One side's view of the mapped SRVCC (CS) context. */
export interface SrvccSide {
  ck: string; ik: string; ksi: number;
  /** The AMF-step key equals the 5G→EPS handover K′ASME (A.14.2) for the same KAMF and COUNT
   *  (UE: its firmware's A.14.2; network: the AMF model's node:crypto A.14.2 — the MSC server
   *  itself never holds KAMF). */
  keySeparationWarning: boolean;
  /** The mapped SRVCC context was deleted because the handover did not complete (false on
   *  success: it protects the CS call, and is released when the call ends). */
  mappedContextDeleted: boolean;
}

export interface SrvccSummary {
  variant: SrvccVariant; fc: number; outcome: 'success' | 'failure';
  kamf: string;
  dlCount: number;              // the DL NAS COUNT that went into the AMF step, before its +1
  hoCommandLsb4: number; ueDlCountEstimate: number;
  kasmeSrvcc: string | null;    // the AMF's key to the MME (null for direct)
  /** CK ‖ IK equals A.21(KAMF, DL COUNT) — the KASME_SRVCC of the MME variants for the same KAMF
   *  and COUNT (true for `direct`): a key-separation finding like FC 0x74, the model's own. */
  ckIkEqualsKasmeSrvcc: boolean;
  ue: SrvccSide; msc: SrvccSide;
  agree: boolean;               // UE and MSC server hold the same CK, IK, KSI
  kamfSentToMsc: boolean;
  ueMemoryClean: boolean | null; // failure: no byte string of CK/IK left in UE memory
  reauthRequired: boolean;
  fiveGRefusedBeforeReauth: boolean | null;
  reauthenticated: boolean | null; fiveGUsableAfterReauth: boolean | null;
  srvccBackTo5gRefused: boolean;
  notSpecified: string[];
  /** Primary authentication method of every authentication in the run (TS 33.501 6.1.3). */
  auth: string;
}

export interface SrvccRun { summary: SrvccSummary; trace: TraceStep[]; text: string }

const GUTI = guti(0x01, 0x00000301);
const UE_ID = SUBSCRIBER.supi;
const contains = (hay: Uint8Array, needle: Uint8Array) => Buffer.from(hay).indexOf(Buffer.from(needle)) >= 0;
const eq = (a: Uint8Array, b: Uint8Array) => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
/** What the published text leaves open (the draft's editor's notes): reported, not modelled. */
export const NOT_SPECIFIED = [
  "emergency-call SRVCC from NR to UTRAN: the published text has clause J.2.2 for it (the draft's X.2 was an editor's note); not modelled here",
  "return from UTRAN to E-UTRAN after the call (draft X.3 editor's note): TS 33.401 rules, outside this 5G model",
];

/** Run the SRVCC procedure once (defaults: mme-derive, FC 0x7D, success) and return its summary and trace. */
export function runSrvcc(o: SrvccOptions = {}): SrvccRun {
  const variant = o.variant ?? 'mme-derive', fc = o.fc ?? FC_KASME_SRVCC, outcome = o.outcome ?? 'success';
  const w = new World(o.seed, o);
  const amf = new Amf('AMF', w.trace);
  const srvccAmf = new SrvccAmf('AMF', w.trace), mme = new MmeSrvcc(w.trace), msc = new MscServer(w.trace);

  // ---- Before: UE registered at the AMF (5G AKA, SMC, accept); both hold the same KAMF
  w.initialRegistration(amf, GUTI, 1);
  const ctx = amf.find(GUTI)!;
  const kamf = ctx.nas.kamf;
  if (!eq(w.ue.context('current').kamf, kamf)) throw new Error('UE and AMF do not share a KAMF after the initial registration');

  // ---- 1–3: Handover Required → AMF step → MME_SRVCC (or direct) → MSC server
  w.trace.add('AMF', 'Handover Required (SRVCC to UTRAN CS) from the gNB', {}, { clause: 'TS 33.501 J.1 step 1' });
  const step = srvccAmf.handoverRequired(ctx, variant, fc);
  const req: PsToCsRequest = variant === 'direct' ? srvccAmf.directRequest(step) : mme.psToCs(step);
  const kamfSentToMsc = Object.values(req).some((v) => v instanceof Uint8Array && contains(v, kamf));
  const mscCtx = msc.psToCsHandoverRequest(UE_ID, req, variant === 'direct' ? 'AMF' : 'MME');

  // ---- 4: HO command with the 4 LSB of the DL NAS COUNT; the UE derives the same keys
  const lsb4 = step.dlCount & 0x0f;
  w.trace.add('AMF', 'HO command (via the gNB) with the 4 LSB of the DL NAS COUNT', { dlLsb4: lsb4 }, { to: 'UE', clause: 'TS 33.501 J.1 step 4' });
  const ueKeys = w.ue.srvccHoCommand({ dlLsb4: lsb4, variant, fc });
  const ueWarning = ueKeys.keySeparationWarning;
  const ck = ueKeys.ck, ik = ueKeys.ik;

  let ueDeleted = false, mscDeleted = false, ueMemoryClean: boolean | null = null;
  let fiveGRefused: boolean | null = null, reauthenticated: boolean | null = null, usableAfter: boolean | null = null;
  if (outcome === 'failure') {
    // ---- The SRVCC handover does not complete: both sides delete the mapped context
    w.trace.add('UE', 'SRVCC handover not completed (e.g. UTRAN access failed): returns to NR', {});
    w.ue.srvccOutcome('failed');
    msc.handoverFailed(UE_ID);
    ueDeleted = !w.ue.srvccContext().valid;
    mscDeleted = !msc.contexts.has(UE_ID);
    const mem = w.ue.memoryImage();
    ueMemoryClean = !contains(mem, ck) && !contains(mem, ik);
    w.trace.add('UE', 'Deletes the mapped SRVCC context (wiped); the 5G context stays in use', { mappedContextValid: !ueDeleted, memoryScanClean: ueMemoryClean },
      { clause: 'TS 33.501 J.1 / draft X.1' });
    // The 5G context is still usable and the DL COUNT moved past the SRVCC one on both sides
    const dl = ctx.nas.protectDownlink(2, M.registrationAccept({}));
    w.ue.downlink(dl.message);
    w.trace.add('AMF', 'Next downlink NAS message after the failed SRVCC (COUNT after the increment) verified by the UE', { dlCount: dl.count }, { to: 'UE' });
  } else {
    // ---- Completed: the CS call runs on CK/IK; then it ends
    w.ue.srvccOutcome('completed');
    srvccAmf.handoverCompleted(ctx);
    w.trace.add('UE', 'SRVCC completed: CS call in UTRAN with CKSRVCC/IKSRVCC; 5G needs a new authentication before use', {}, { clause: 'TS 33.501 J.1' });
    w.ue.srvccOutcome('call-ended');
    msc.callEnded(UE_ID);
    w.trace.add('UE', 'CS call ended: CS security context deleted; returns to NR coverage', {});
    const r = returnTo5g(w, amf, srvccAmf, ctx);
    fiveGRefused = r.refused; reauthenticated = r.reauthenticated; usableAfter = r.usable;
  }
  const back = msc.srvccToNr(UE_ID);

  const ueSide: SrvccSide = { ck: toHex(ck), ik: toHex(ik), ksi: ueKeys.ksi, keySeparationWarning: ueWarning, mappedContextDeleted: ueDeleted };
  const mscSide: SrvccSide = { ck: toHex(mscCtx.ck), ik: toHex(mscCtx.ik), ksi: mscCtx.ksi, keySeparationWarning: step.keySeparationWarning, mappedContextDeleted: mscDeleted };
  const agree = ueSide.ck === mscSide.ck && ueSide.ik === mscSide.ik && ueSide.ksi === mscSide.ksi && ueKeys.dlCount === step.dlCount;
  // Independent check with the node:crypto A.21 (FC 0x7D): does the CS key pair equal KASME_SRVCC?
  const ckIkEqualsKasmeSrvcc = mscSide.ck + mscSide.ik === toHex(ref.kasmeSrvcc(kamf, step.dlCount));
  if (ckIkEqualsKasmeSrvcc) w.trace.add('MSC server', 'KEY SEPARATION FINDING: CK ‖ IK equals KASME_SRVCC = A.21(KAMF, DL COUNT) of the MME variants for the same KAMF and COUNT', {}, { clause: 'TS 33.501 A.21 (model finding)' });
  w.trace.add('UE', `Result: UE and MSC server ${agree ? 'hold the same' : 'DO NOT hold the same'} CKSRVCC/IKSRVCC/KSISRVCC${step.keySeparationWarning ? '; KEY SEPARATION FAILURE (FC 0x74 = A.14.2)' : ''}`, {});
  const summary: SrvccSummary = {
    variant, fc, outcome, kamf: toHex(kamf), dlCount: step.dlCount, hoCommandLsb4: lsb4, ueDlCountEstimate: ueKeys.dlCount,
    kasmeSrvcc: step.kasmeSrvcc ? toHex(step.kasmeSrvcc) : null, ckIkEqualsKasmeSrvcc, ue: ueSide, msc: mscSide, agree, kamfSentToMsc, ueMemoryClean,
    reauthRequired: outcome === 'success', fiveGRefusedBeforeReauth: fiveGRefused, reauthenticated, fiveGUsableAfterReauth: usableAfter,
    srvccBackTo5gRefused: !back.ok, notSpecified: NOT_SPECIFIED,
    auth: authLabel(o),
  };
  return { summary, trace: w.trace.steps, text: w.trace.render() };
}

/**
 * Back in NR after the CS call (J.1): the UE may not use its 5G context — protecting or accepting
 * a NAS message with it is refused by the firmware — so its Registration Request goes out
 * unprotected, the AMF authenticates it (5G AKA), an SMC activates the new context, and 5G is
 * usable again.
 */
function returnTo5g(w: World, amf: Amf, srvccAmf: SrvccAmf, ctx: NonNullable<ReturnType<Amf['find']>>) {
  let refused = false;
  const old = ctx.nas.protectDownlink(2, M.registrationAccept({}));
  try { w.ue.downlink(old.message); } catch (e) { if (!(e instanceof StateError)) throw e; refused = true; }
  try { w.ue.uplink(M.registrationReject(0)); refused = false; } catch (e) { if (!(e instanceof StateError)) throw e; }
  w.trace.add('UE', refused ? 'Refuses to use the old 5G context (downlink not accepted, uplink not protected): re-authentication first' : 'USED the old 5G context (rule violated)',
    { dlCountTried: old.count }, { clause: 'TS 33.501 J.1' });
  const rr = w.ue.registrationRequest(M.REG_TYPE.MOBILITY_UPDATING);
  refused = refused && rr.count === null;
  const verifiedOld = ctx.nas.verifyUplink(rr.message, '3gpp', true) !== null;
  if (!srvccAmf.requiresReauthentication(ctx) && verifiedOld) return { refused, reauthenticated: false, usable: true };
  w.trace.add('AMF', 'Registration Request not protected with the old context / re-authentication required after SRVCC: runs 5G AKA', {}, { clause: 'TS 33.501 J.1, 6.1.3.2' });
  const ngKsi = (ctx.nas.ngKsi + 1) % 7;
  const nas = w.authenticate(amf, ngKsi);
  if (!nas) return { refused, reauthenticated: false, usable: false };
  const r = w.ue.securityModeCommand(w.securityModeCommand(amf, nas));
  if (r.result !== 'complete' || !nas.verifyUplink(r.response)) return { refused, reauthenticated: true, usable: false };
  srvccAmf.reauthenticated(ctx);
  const acc = nas.protectDownlink(2, M.registrationAccept({ guti: GUTI }));
  w.trace.add('AMF', 'REGISTRATION ACCEPT with the new context', { dlCount: acc.count }, { to: 'UE', message: acc.message });
  let usable = true;
  try { w.ue.registrationAccepted(M.parseRegistrationAccept(w.ue.downlink(acc.message)).guti); } catch (e) { if (!(e instanceof UeKeysError)) throw e; usable = false; }
  ctx.nas = nas;
  w.trace.add('UE', usable ? '5G usable again with the new KAMF from the re-authentication' : '5G still not usable', { kamf: usable ? w.ue.context('current').kamf : null });
  return { refused, reauthenticated: true, usable };
}
