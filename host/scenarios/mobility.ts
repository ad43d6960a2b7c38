/**
 * Mobility registration update with horizontal KAMF derivation, end to end (TS 33.501 6.9.3 as
 * amended by the seed change request; TS 23.502 4.2.2.2.2; TS 24.501 5.4.2, 5.5.1.3): a UE
 * registered at a source AMF moves to a target AMF; the source AMF transfers KAMF′ (or KAMF);
 * the target AMF runs the SMC; the registration is accepted, rejected or times out; optionally
 * the UE then falls back to the source AMF with the context it kept.
 */
import { toHex } from '../hex.js';
import { Amf, KEPT_CONTEXT_TIMER_S, type RetentionPolicy } from '../network/amf.js';
import { NetworkNasContext } from '../network/nas-security.js';
import * as M from '../nas/messages.js';
import { World, SUBSCRIBER, authLabel, type AuthOptions, type ScenarioOptions } from './setup.js';
import { GUTI_SOURCE, GUTI_SOURCE_2, GUTI_TARGET, GUTI_TARGET_2, fallbackToSource, identify, powerCycle, type AfterPowerOn } from './re-registration.js';
import type { TraceStep } from '../trace.js';

export type Outcome = 'accept' | 'reject' | 'timeout' | 'no-guti';
export type SmcFault = 'bad-mac' | 'caps-mismatch' | 'unknown-ngksi';
/** Where power is lost: between the verified SMC and the outcome, or once the procedure ended. */
export type PowerCyclePoint = 'after-smc' | 'registered';
/** Registration reject causes that delete the 5G NAS security context (TS 24.501 5.5.1.3.5). */
export const DELETING_REJECT_CAUSES: readonly number[] = [3, 6, 7];

export interface MobilityOptions extends ScenarioOptions {
  /** Source AMF local policy: horizontal KAMF derivation (default true). */
  horizontal?: boolean;
  /** How the mobility registration ends at the target AMF (default accept). */
  outcome?: Outcome;
  /** 5GMM cause of `outcome: 'reject'` (default 111, protocol error unspecified). */
  rejectCause?: number;
  /** Source AMF: keep its context until told the registration completed, or delete it at once. */
  sourcePolicy?: RetentionPolicy;
  /** Target AMF: use the received KAMF′/KAMF, or re-authenticate the UE. */
  targetPolicy?: 'use' | 'reauth';
  /** After a failed mobility registration, the UE registers back to the source AMF. */
  fallback?: boolean;
  /** Fault injected into the target AMF's SECURITY MODE COMMAND. */
  smcFault?: SmcFault;
  /** Power loss of the UE (true = 'after-smc'); the UE powers on and registers again. */
  powerCycle?: boolean;
  powerCycleAt?: PowerCyclePoint;
  /** The source AMF has no context for the UE: the target AMF identifies it (6.12.4) first. */
  noContext?: boolean;
  /** Seed of the network's RANDs: the same seed gives the same keys in every run. */
  seed?: number;
}

export interface MobilitySummary {
  horizontal: boolean; sourcePolicy: RetentionPolicy; targetPolicy: 'use' | 'reauth'; fallback: boolean; smcFault: SmcFault | null;
  powerCycle: boolean; powerCycleAt: PowerCyclePoint | null; noContext: boolean; rejectCause: number | null;
  kamfOld: string; kamfNew: string | null; ulCountRegistrationRequest: number | null; ngKsiOld: number; ngKsiNew: number | null;
  smcResult: 'complete' | 'reject' | 'none'; smcCause: number | null; identification: boolean;
  outcome: string; ueCurrentKamf: string | null; ueCurrentNgKsi: number | null;
  usimKamf: string | null; usimNgKsi: number | null; usimValid: boolean; usimNscRecord: string | null;
  /** EF 5GS3GPPLOCI bytes at the end (5G-GUTI ‖ TAI ‖ 5GS update status, TS 31.102 4.4.11.2), or null without the EF. */
  usimLoci: string | null;
  /** REGISTRATION REJECT #3/#6/#7 left the USIM invalid for 5GS services (until switch-off; TS 24.501 5.5.1.3.5). */
  usimInvalidFor5gs: boolean;
  afterPowerOn: AfterPowerOn | null;
  sourceAmfKamf: string | null; sourceAmfNonCurrentKamf: string | null; sourceAmfLearned: string; sourceAmfHolds: string;
  targetAmfKamf: string | null; servingAmf: 'source' | 'target' | null;
  aligned: boolean; fallbackDownlinkReplayed: boolean; verdict: string;
  /** Primary authentication method of every authentication in the run (TS 33.501 6.1.3). */
  auth: string;
}

export interface MobilityRun { summary: MobilitySummary; trace: TraceStep[]; text: string }

const hexOrNull = (b: Uint8Array | null | undefined) => (b ? toHex(b) : null);

export function runMobility(o: MobilityOptions = {}): MobilityRun {
  const powerCycleAt: PowerCyclePoint | null = o.powerCycleAt ?? (o.powerCycle ? 'after-smc' : null);
  const opts = { horizontal: o.horizontal ?? true, outcome: o.outcome ?? 'accept', sourcePolicy: o.sourcePolicy ?? 'keep', targetPolicy: o.targetPolicy ?? 'use',
    fallback: o.fallback ?? false, smcFault: o.smcFault ?? null, noContext: o.noContext ?? false,
    rejectCause: (o.outcome ?? 'accept') === 'reject' ? o.rejectCause ?? 111 : null };
  const w = new World(o.seed, o);
  const S = new Amf('source AMF', w.trace, { horizontal: opts.horizontal, retention: opts.sourcePolicy });
  const T = new Amf('target AMF', w.trace);
  let sourceLearned = 'nothing';

  // ---- Before: the UE registered at the source AMF (5G AKA, SMC, accept, stored on the USIM)
  w.initialRegistration(S, GUTI_SOURCE, 1);
  const old = w.ue.context('current');
  // The source AMF also stores a non-current 5G security context (modelled: from an earlier
  // primary authentication whose SMC never ran), so 6.9.3's deletion rule has something to act on.
  const nonCurrent = new NetworkNasContext(w.random(32), (old.ngKsi + 4) % 7, 2, 2);
  S.find(GUTI_SOURCE)!.nonCurrent = nonCurrent;
  w.trace.add('source AMF', 'Also holds a stored non-current 5G security context (modelled)', { nonCurrentKamf: nonCurrent.kamf, ngKsi: nonCurrent.ngKsi }, { clause: 'TS 33.501 6.9.3' });
  if (opts.noContext) {
    S.contexts.clear();
    w.trace.add('source AMF', 'Has lost every UE context (e.g. a restart): a context transfer will find nothing', {});
  }

  // ---- 6.9.3: REGISTRATION REQUEST (mobility registration updating) to the target AMF,
  //      integrity protected with the current context; its UL NAS COUNT is recorded
  const rr = w.ue.registrationRequest(M.REG_TYPE.MOBILITY_UPDATING);
  const identity = M.parseRegistrationRequest(rr.message.subarray(7)).identity;
  w.trace.add('target AMF', 'Namf_Communication_UEContextTransfer (5G-GUTI, Registration Request)', { guti: identity }, { to: 'source AMF', clause: 'TS 33.501 6.9.3 a' });
  const transfer = S.contextTransfer(identity, rr.message);

  // ---- Target AMF: which context, and does it need an SMC?
  const newNgKsi = (old.ngKsi + 1) % 7;
  let tNas: NetworkNasContext | null = null;
  let smcNeeded = true, hdp = false, identification = false;
  if (transfer.ok && opts.targetPolicy === 'use') {
    // 6.9.3: "the ngKSI for the newly derived KAMF key is defined such as the value field and the type
    // field are taken from the ngKSI of the current KAMF"
    if (transfer.keyAmfHDerivationInd) { tNas = new NetworkNasContext(transfer.kamf, transfer.ngKsi, 2, 2); hdp = true; }
    else {
      tNas = new NetworkNasContext(transfer.kamf, transfer.ngKsi, transfer.nea, transfer.nia);
      tNas.ulLast['3gpp'] = transfer.ulLast; tNas.dlNext['3gpp'] = transfer.dlNext;
      smcNeeded = opts.smcFault !== null; // the received context is used as it is; an SMC only to show a fault
    }
    w.trace.add('target AMF', transfer.keyAmfHDerivationInd ? "Uses the received KAMF′ (keyAmfHDerivationInd): new ngKSI, NAS keys" : 'Uses the received KAMF and context',
      { kamf: tNas.kamf, ngKsi: tNas.ngKsi, knasint: tNas.knasint }, { clause: 'TS 33.501 6.9.3, target AMF' });
  } else {
    if (!transfer.ok) {
      // 6.9.3 c: "If the target AMF receives a response indicating that the UE could not be identified, it shall
      // initiate the subscription identification procedure described in clause 6.12.4"
      identification = identify(w, T);
    } else w.trace.add('target AMF', 'Local policy: re-authenticate the UE', {}, { clause: 'TS 33.501 6.9.3' });
    tNas = w.authenticate(T, newNgKsi);
  }

  // ---- SECURITY MODE COMMAND (K_AMF_change_flag = HDP) and the UE's answer
  let smcResult: MobilitySummary['smcResult'] = 'none', smcCause: number | null = null, securityOk = tNas !== null;
  if (tNas && smcNeeded) {
    const smc = w.securityModeCommand(T, tNas, {
      hdp, corruptMac: opts.smcFault === 'bad-mac',
      caps: opts.smcFault === 'caps-mismatch' ? Uint8Array.of(w.ue.caps[0] ^ 0x20, w.ue.caps[1]) : undefined,
      ngKsi: opts.smcFault === 'unknown-ngksi' ? (tNas.ngKsi + 3) % 7 : undefined,
    });
    const r = w.ue.securityModeCommand(smc);
    smcResult = r.result; smcCause = r.result === 'reject' ? r.cause : null;
    securityOk = r.result === 'complete' && tNas.verifyUplink(r.response) !== null;
    w.trace.add('target AMF', r.result === 'complete' ? (securityOk ? 'SECURITY MODE COMPLETE verified (UL COUNT 0)' : 'SECURITY MODE COMPLETE failed verification') : `SECURITY MODE REJECT #${r.cause} received: the registration is aborted`, {});
  }
  const afterSmc = w.ue.context('current');
  const kamfNew = smcResult === 'complete' && toHex(afterSmc.kamf) !== toHex(old.kamf) ? afterSmc.kamf : null;

  // ---- Outcome (or a power loss between the verified SMC and the outcome)
  let outcome: string = opts.outcome;
  let afterPowerOn: MobilitySummary['afterPowerOn'] = null;
  const tellSource = (success: boolean) => { if (S.find(identity)) { S.registrationStatusUpdate(identity, success); sourceLearned = success ? 'success (RegistrationStatusUpdate)' : 'failure (RegistrationStatusUpdate)'; } };
  if (powerCycleAt === 'after-smc') {
    outcome = 'power-cycle';
    w.trace.add('target AMF', '(the UE is gone: no REGISTRATION COMPLETE; the registration is abandoned)', {});
    tellSource(false);
    afterPowerOn = powerCycle(w, opts.fallback ? S : T, opts.fallback ? 'source' : 'target');
  } else if (!securityOk) {
    outcome = smcResult === 'reject' ? 'smc-rejected' : 'security-failed';
    w.ue.registrationFailed(smcResult === 'reject' ? 'SECURITY MODE REJECT sent; the target AMF aborted the registration' : 'no security context with the target AMF');
    tellSource(false);
  } else if (opts.outcome === 'accept' || opts.outcome === 'no-guti') {
    const assigned = opts.outcome === 'accept' ? GUTI_TARGET : undefined;
    const acc = tNas!.protectDownlink(2, M.registrationAccept({ guti: assigned }));
    w.trace.add('target AMF', `REGISTRATION ACCEPT${assigned ? ' (new 5G-GUTI)' : ' without a new 5G-GUTI'}`, { guti: assigned ?? null, dlCount: acc.count }, { to: 'UE', message: acc.message });
    w.ue.registrationAccepted(M.parseRegistrationAccept(w.ue.downlink(acc.message)).guti);
    // Without a new 5G-GUTI the UE keeps the one it has, and the target AMF files the context under it
    T.add({ supi: SUBSCRIBER.supi, guti: assigned ?? w.ue.guti!, nas: tNas!, ueSecurityCapabilities: w.ue.caps });
    outcome = 'accept';
    tellSource(true);
  } else if (opts.outcome === 'reject') {
    const cause = opts.rejectCause!;
    const rej = tNas!.protectDownlink(2, M.registrationReject(cause));
    w.trace.add('target AMF', `REGISTRATION REJECT #${cause}`, { cause }, { to: 'UE', message: rej.message });
    w.ue.downlink(rej.message); // verified with the new context, then the registration fails
    if (DELETING_REJECT_CAUSES.includes(cause)) w.ue.registrationRejectedDeleteAll(cause);
    else w.ue.registrationFailed(`REGISTRATION REJECT #${cause}`);
    tellSource(false);
  } else {
    w.trace.add('target AMF', '(no answer reaches the UE: its T3510 expires)', {});
    w.ue.registrationFailed('T3510 expiry');
    // Deviation fixed: the target AMF gets no REGISTRATION COMPLETE and reports the failure, so the source AMF knows
    w.trace.add('target AMF', 'No REGISTRATION COMPLETE: the mobility registration failed', {}, { to: 'source AMF', clause: 'TS 23.502 4.2.2.2.2 (RegistrationStatusUpdate; its use here follows seed 000)' });
    tellSource(false);
  }

  // ---- Fallback: register back to the source AMF with the context the UE kept
  let fallbackVerified: boolean | null = null, fallbackDownlinkReplayed = false;
  let fallbackRefused = false;
  if (opts.fallback && outcome !== 'accept' && outcome !== 'power-cycle' && w.ue.usimInvalidFor5gs) {
    // TS 24.501 5.5.1.3.5 #3/#6/#7: "consider the USIM as invalid for 5GS services until switching off or the UICC
    // containing the USIM is removed" — no registration, to the source AMF or any other, until then
    w.trace.add('UE', 'No fallback: the USIM is invalid for 5GS services until switch-off or USIM removal (no REGISTRATION REQUEST sent)', {}, { clause: 'TS 24.501 5.5.1.3.5' });
    fallbackRefused = true;
  } else if (opts.fallback && outcome !== 'accept' && outcome !== 'power-cycle') {
    const f = fallbackToSource(w, S);
    fallbackDownlinkReplayed = f === 'verified-but-downlink-replayed';
    fallbackVerified = f !== false;
  }

  // ---- Power lost once the procedure ended (registered, before the next message)
  let sKamf = S.kamfOf(GUTI_SOURCE) ?? S.kamfOf(GUTI_SOURCE_2);
  let tKamf = T.kamfOf(GUTI_TARGET) ?? T.kamfOf(GUTI_SOURCE) ?? T.kamfOf(GUTI_TARGET_2);
  if (powerCycleAt === 'registered') {
    const atSource = outcome !== 'accept' && (fallbackVerified !== null || sKamf !== null);
    afterPowerOn = powerCycle(w, atSource ? S : T, atSource ? 'source' : 'target');
  }
  for (const g of [GUTI_SOURCE, GUTI_SOURCE_2]) if (S.find(g)?.transferPending) { S.expireKeptContext(g); sourceLearned = `nothing: kept context expired (${KEPT_CONTEXT_TIMER_S} s)`; }

  // ---- Summary
  const cur = w.ue.context('current');
  const curUsable = cur.type === 'full-native' || cur.type === 'mapped';
  const stored = w.ue.storedSummary();
  sKamf = S.kamfOf(GUTI_SOURCE) ?? S.kamfOf(GUTI_SOURCE_2);
  tKamf = T.kamfOf(GUTI_TARGET) ?? T.kamfOf(GUTI_SOURCE) ?? T.kamfOf(GUTI_TARGET_2);
  const sCtx = S.find(GUTI_SOURCE) ?? S.find(GUTI_SOURCE_2);
  const servingAmf: 'source' | 'target' | null = afterPowerOn ? afterPowerOn.registeredAt : outcome === 'accept' ? 'target' : fallbackVerified !== null || sKamf ? 'source' : null;
  const servingKamf = servingAmf === 'target' ? tKamf : servingAmf === 'source' ? sKamf : null;
  const sameAsServing = curUsable && servingKamf !== null && toHex(cur.kamf) === toHex(servingKamf);
  const aligned = fallbackVerified !== null && !afterPowerOn ? fallbackVerified : sameAsServing;
  if (afterPowerOn?.downlinkReplayed) fallbackDownlinkReplayed = true;
  const verdict = afterPowerOn?.downlinkReplayed ? 'aligned keys, misaligned COUNTs: after the power loss the AMF verified the Registration Request, but its DL NAS COUNT had been used by the other AMF with the same KAMF'
    : afterPowerOn ? (!aligned ? 'misaligned after the power loss'
      : afterPowerOn.authenticated ? `aligned: after the power loss the UE had no valid stored context, sent ngKSI 111 and was authenticated by the ${servingAmf} AMF`
      : `aligned: after the power loss the UE loaded the context stored valid (with its COUNTs) and the ${servingAmf} AMF verified it`)
    : fallbackDownlinkReplayed ? 'aligned keys, misaligned COUNTs: the source AMF verified the re-registration, but its DL NAS COUNT had been used by the target AMF with the same KAMF'
    : !curUsable && w.ue.usimInvalidFor5gs ? `the UE holds no 5G NAS security context (deleted) and its USIM is invalid for 5GS services until switch-off${fallbackRefused ? ' (no fallback)' : ''}: after power-on it registers with the SUCI and ngKSI 111 and is authenticated`
    : !curUsable && fallbackVerified === null ? 'the UE holds no 5G NAS security context (deleted): its next registration goes out with ngKSI 111 and is authenticated'
    : fallbackVerified === true ? 'aligned: the source AMF verified the re-registration with the context the UE kept'
    : fallbackVerified === false ? 'misaligned: the source AMF had deleted its context (MAC failure), re-authentication needed'
    : aligned ? `aligned: UE and ${servingAmf} AMF hold the same KAMF` : servingAmf ? `misaligned: UE and ${servingAmf} AMF hold different KAMFs` : curUsable ? 'no AMF holds a context for the UE' : 'the UE holds no 5G NAS security context (deleted)';
  w.trace.add('UE', `Result: ${verdict}`, {});
  const summary: MobilitySummary = {
    horizontal: opts.horizontal, sourcePolicy: opts.sourcePolicy, targetPolicy: opts.targetPolicy, fallback: opts.fallback, smcFault: opts.smcFault,
    powerCycle: powerCycleAt !== null, powerCycleAt, noContext: opts.noContext, rejectCause: opts.rejectCause,
    kamfOld: toHex(old.kamf), kamfNew: hexOrNull(kamfNew), ulCountRegistrationRequest: rr.count, ngKsiOld: old.ngKsi, ngKsiNew: kamfNew ? afterSmc.ngKsi : null,
    smcResult, smcCause, identification, outcome, ueCurrentKamf: curUsable ? toHex(cur.kamf) : null, ueCurrentNgKsi: curUsable ? cur.ngKsi : null,
    usimKamf: stored.usimKamf, usimNgKsi: stored.usimNgKsi, usimValid: stored.usimValid, usimNscRecord: hexOrNull(w.ue.usimNscBytes()),
    usimLoci: hexOrNull(w.ue.usimLociBytes()), usimInvalidFor5gs: w.ue.usimInvalidFor5gs, afterPowerOn,
    sourceAmfKamf: hexOrNull(sKamf), sourceAmfNonCurrentKamf: hexOrNull(sCtx?.nonCurrent?.kamf), sourceAmfLearned: sourceLearned,
    sourceAmfHolds: sCtx ? `${sCtx.transferPending ? 'kept' : 'current'} context ngKSI ${sCtx.nas.ngKsi}${sCtx.nonCurrent ? ' + a non-current context' : ''}` : 'nothing',
    targetAmfKamf: hexOrNull(tKamf), servingAmf, aligned, fallbackDownlinkReplayed, verdict,
    auth: authLabel(o),
  };
  return { summary, trace: w.trace.steps, text: w.trace.render() };
}
