/**
 * Mobility registration update with horizontal KAMF derivation, end to end (TS 33.501 6.9.3 as
 * amended by the seed change request; TS 23.502 4.2.2.2.2; TS 24.501 5.4.2, 5.5.1.3): a UE
 * registered at a source AMF moves to a target AMF; the source AMF transfers KAMF′ (or KAMF);
 * the target AMF runs the SMC; the registration is accepted, rejected or times out; optionally
 * the UE then falls back to the source AMF with the context it kept.
 */
import { toHex } from '../hex.js';
import { Amf, type RetentionPolicy } from '../network/amf.js';
import { NetworkNasContext } from '../network/nas-security.js';
import { MacFailureError, ReplayError } from '../errors.js';
import * as M from '../nas/messages.js';
import { World, SUBSCRIBER, guti } from './setup.js';
import type { TraceStep } from './trace.js';

export type Outcome = 'accept' | 'reject' | 'timeout' | 'no-guti';
export type SmcFault = 'bad-mac' | 'caps-mismatch' | 'unknown-ngksi';

export interface MobilityOptions {
  /** Source AMF local policy: horizontal KAMF derivation (default true). */
  horizontal?: boolean;
  /** How the mobility registration ends at the target AMF (default accept). */
  outcome?: Outcome;
  /** Source AMF: keep its context until told the registration completed, or delete it at once. */
  sourcePolicy?: RetentionPolicy;
  /** Target AMF: use the received KAMF′/KAMF, or re-authenticate the UE. */
  targetPolicy?: 'use' | 'reauth';
  /** After a failed mobility registration, the UE registers back to the source AMF. */
  fallback?: boolean;
  /** Fault injected into the target AMF's SECURITY MODE COMMAND. */
  smcFault?: SmcFault;
  /** Power cycle of the UE between the verified SMC and the REGISTRATION ACCEPT. */
  powerCycle?: boolean;
  /** Seed of the network's RANDs: the same seed gives the same keys in every run. */
  seed?: number;
}

export interface MobilitySummary {
  horizontal: boolean; sourcePolicy: RetentionPolicy; targetPolicy: 'use' | 'reauth'; fallback: boolean; smcFault: SmcFault | null; powerCycle: boolean;
  kamfOld: string; kamfNew: string | null; ulCountRegistrationRequest: number | null; ngKsiOld: number; ngKsiNew: number | null;
  smcResult: 'complete' | 'reject' | 'discarded' | 'none'; smcCause: number | null;
  outcome: string; ueCurrentKamf: string | null; ueCurrentNgKsi: number | null;
  usimKamf: string | null; usimNgKsi: number | null; usimNscRecord: string | null;
  sourceAmfKamf: string | null; targetAmfKamf: string | null; servingAmf: 'source' | 'target' | null;
  aligned: boolean; fallbackDownlinkReplayed: boolean; verdict: string;
}

export interface MobilityRun { summary: MobilitySummary; trace: TraceStep[]; text: string }

const GUTI_SOURCE = guti(0x01, 0x00000101), GUTI_TARGET = guti(0x02, 0x00000202), GUTI_SOURCE_2 = guti(0x01, 0x00000102);
const hexOrNull = (b: Uint8Array | null | undefined) => (b ? toHex(b) : null);

export function runMobility(o: MobilityOptions = {}): MobilityRun {
  const opts = { horizontal: o.horizontal ?? true, outcome: o.outcome ?? 'accept', sourcePolicy: o.sourcePolicy ?? 'keep', targetPolicy: o.targetPolicy ?? 'use',
    fallback: o.fallback ?? false, smcFault: o.smcFault ?? null, powerCycle: o.powerCycle ?? false };
  const w = new World(o.seed);
  const S = new Amf('source AMF', w.trace, { horizontal: opts.horizontal, retention: opts.sourcePolicy });
  const T = new Amf('target AMF', w.trace);

  // ---- Before: the UE registered at the source AMF (5G AKA, SMC, accept, stored on the USIM)
  w.initialRegistration(S, GUTI_SOURCE, 1);
  const old = w.ue.fw.read('current');

  // ---- 6.9.3: REGISTRATION REQUEST (mobility registration updating) to the target AMF,
  //      integrity protected with the current context; its UL NAS COUNT is recorded
  const rr = w.ue.registrationRequest(M.REG_TYPE.MOBILITY_UPDATING);
  const identity = M.parseRegistrationRequest(rr.message.subarray(7)).identity;
  w.trace.add('target AMF', 'Namf_Communication_UEContextTransfer (5G-GUTI, Registration Request)', { guti: identity }, { to: 'source AMF', clause: 'TS 33.501 6.9.3 a' });
  const transfer = S.contextTransfer(identity, rr.message);

  // ---- Target AMF: which context, and does it need an SMC?
  const newNgKsi = (old.ngKsi + 1) % 7;
  let tNas: NetworkNasContext | null = null;
  let smcNeeded = true, hdp = false;
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
      { kamf: tNas.kamf, ngKsi: tNas.ngKsi, knasint: tNas.knasint }, { clause: 'TS 33.501 6.9.3 e' });
  } else {
    w.trace.add('target AMF', transfer.ok ? 'Local policy: re-authenticate the UE' : `No usable context from the source AMF (${transfer.reason}): authenticates the UE`, {}, { clause: 'TS 33.501 6.9.3' });
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
    try {
      const r = w.ue.securityModeCommand(smc);
      smcResult = r.result; smcCause = r.result === 'reject' ? r.cause : null;
      if (r.result === 'complete') securityOk = tNas.verifyUplink(r.response) !== null;
      else securityOk = false;
      w.trace.add('target AMF', r.result === 'complete' ? (securityOk ? 'SECURITY MODE COMPLETE verified (UL COUNT 0)' : 'SECURITY MODE COMPLETE failed verification') : `SECURITY MODE REJECT #${r.cause} received`, {});
    } catch (e) {
      if (!(e instanceof MacFailureError || e instanceof ReplayError)) throw e;
      smcResult = 'discarded'; securityOk = false;
      w.trace.add('UE', 'SECURITY MODE COMMAND discarded: integrity check failed (no state change)', {}, { clause: 'TS 24.501 4.4.4.2' });
    }
  }
  const afterSmc = w.ue.fw.read('current');
  const kamfNew = smcResult === 'complete' && toHex(afterSmc.kamf) !== toHex(old.kamf) ? afterSmc.kamf : null;

  // ---- Power cycle between the verified SMC and the outcome: RAM (the new context) is lost;
  //      the USIM still holds the old KAMF and ngKSI
  let outcome: string = opts.outcome;
  if (opts.powerCycle) {
    w.trace.add('UE', 'POWER CYCLE: RAM lost; the new context was never stored', { usimKamf: hexOrNull(w.ue.usimContext()?.kamf) }, { clause: 'TS 33.501 6.8.1.1.2.1' });
    w.ue = w.newUe();
    outcome = 'power-cycle';
    S.registrationStatusUpdate(identity, false);
  } else if (!securityOk) {
    outcome = smcResult === 'reject' ? 'smc-rejected' : 'timeout';
    if (smcResult === 'reject') {
      const rej = M.registrationReject(24);
      w.trace.add('target AMF', 'REGISTRATION REJECT (security mode control failed)', {}, { to: 'UE', message: rej });
    }
    w.ue.registrationFailed(smcResult === 'reject' ? 'SECURITY MODE REJECT sent' : 'T3510 expiry after the discarded SMC');
    S.registrationStatusUpdate(identity, false);
  } else if (opts.outcome === 'accept' || opts.outcome === 'no-guti') {
    const assigned = opts.outcome === 'accept' ? GUTI_TARGET : undefined;
    const acc = tNas!.protectDownlink(2, M.registrationAccept({ guti: assigned }));
    w.trace.add('target AMF', `REGISTRATION ACCEPT${assigned ? ' (new 5G-GUTI)' : ' without a new 5G-GUTI'}`, { guti: assigned ?? null, dlCount: acc.count }, { to: 'UE', message: acc.message });
    const result = w.ue.registrationAccepted(M.parseRegistrationAccept(w.ue.downlink(acc.message)).guti);
    if (result === 'committed') {
      T.add({ supi: SUBSCRIBER.supi, guti: GUTI_TARGET, nas: tNas!, ueSecurityCapabilities: w.ue.caps });
      S.registrationStatusUpdate(identity, true);
    } else { outcome = 'no-guti'; S.registrationStatusUpdate(identity, false); }
  } else if (opts.outcome === 'reject') {
    const rej = tNas!.protectDownlink(2, M.registrationReject(111)); // #111 protocol error, unspecified
    w.trace.add('target AMF', 'REGISTRATION REJECT', {}, { to: 'UE', message: rej.message });
    w.ue.downlink(rej.message); // verified with the new context, then the registration fails
    w.ue.registrationFailed('REGISTRATION REJECT');
    S.registrationStatusUpdate(identity, false);
  } else {
    w.trace.add('target AMF', '(no answer: the UE\'s T3510 expires)', {});
    w.ue.registrationFailed('T3510 expiry');
  }

  // ---- Fallback: register back to the source AMF with the context the UE kept
  let fallbackVerified: boolean | null = null, fallbackDownlinkReplayed = false;
  if (opts.fallback && outcome !== 'accept') {
    const f = fallbackToSource(w, S);
    fallbackDownlinkReplayed = f === 'verified-but-downlink-replayed';
    fallbackVerified = f !== false;
  }

  // ---- Summary
  const cur = w.ue.fw.read('current');
  const curUsable = cur.type === 'full-native' || cur.type === 'mapped';
  const usim = w.ue.usimContext();
  const sKamf = S.kamfOf(GUTI_SOURCE) ?? S.kamfOf(GUTI_SOURCE_2);
  const tKamf = T.kamfOf(GUTI_TARGET);
  const servingAmf = outcome === 'accept' ? 'target' : fallbackVerified !== null || sKamf ? 'source' : null;
  const servingKamf = servingAmf === 'target' ? tKamf : servingAmf === 'source' ? sKamf : null;
  const sameAsServing = curUsable && servingKamf !== null && toHex(cur.kamf) === toHex(servingKamf);
  const aligned = fallbackVerified !== null ? fallbackVerified : sameAsServing;
  const verdict = fallbackDownlinkReplayed ? 'aligned keys, misaligned COUNTs: the source AMF verified the re-registration, but its DL NAS COUNT had been used by the target AMF with the same KAMF'
    : fallbackVerified === true ? 'aligned: the source AMF verified the re-registration with the context the UE kept'
    : fallbackVerified === false ? 'misaligned: the source AMF had deleted its context (MAC failure), re-authentication needed'
    : aligned ? `aligned: UE and ${servingAmf} AMF hold the same KAMF` : servingAmf ? `misaligned: UE and ${servingAmf} AMF hold different KAMFs` : 'no AMF holds a context for the UE';
  w.trace.add('UE', `Result: ${verdict}`, {});
  const summary: MobilitySummary = {
    horizontal: opts.horizontal, sourcePolicy: opts.sourcePolicy, targetPolicy: opts.targetPolicy, fallback: opts.fallback, smcFault: opts.smcFault, powerCycle: opts.powerCycle,
    kamfOld: toHex(old.kamf), kamfNew: hexOrNull(kamfNew), ulCountRegistrationRequest: rr.count, ngKsiOld: old.ngKsi, ngKsiNew: kamfNew ? afterSmc.ngKsi : null,
    smcResult, smcCause, outcome, ueCurrentKamf: curUsable ? toHex(cur.kamf) : null, ueCurrentNgKsi: curUsable ? cur.ngKsi : null,
    usimKamf: hexOrNull(usim?.kamf), usimNgKsi: usim?.ngKsi ?? null, usimNscRecord: hexOrNull(w.ue.usimNscBytes()),
    sourceAmfKamf: hexOrNull(sKamf), targetAmfKamf: hexOrNull(tKamf), servingAmf, aligned, fallbackDownlinkReplayed, verdict,
  };
  return { summary, trace: w.trace.steps, text: w.trace.render() };
}

/** The UE registers back to the source AMF with its kept context (mobility registration with the
 *  old 5G-GUTI). True: the source AMF verified it with the context it kept; false: it could not
 *  (no context: MAC failure from its point of view) and re-authenticated the UE. */
function fallbackToSource(w: World, S: Amf): boolean | 'verified-but-downlink-replayed' {
  w.trace.add('UE', 'Falls back: registers to the source AMF with the old 5G-GUTI and the kept context', {}, { clause: 'TS 33.501 6.9.3 (as amended)' });
  const rr = w.ue.registrationRequest(M.REG_TYPE.MOBILITY_UPDATING);
  const c = S.find(GUTI_SOURCE);
  const v = c?.nas.verifyUplink(rr.message) ?? null;
  if (c && v) {
    w.trace.add('source AMF', 'Registration Request verified with the context it kept', { kamf: c.nas.kamf, ulCount: v.count }, { clause: 'TS 33.501 6.9.3 (as amended)' });
    const acc = c.nas.protectDownlink(2, M.registrationAccept({ guti: GUTI_SOURCE_2 }));
    w.trace.add('source AMF', 'REGISTRATION ACCEPT (new 5G-GUTI)', { dlCount: acc.count }, { to: 'UE', message: acc.message });
    try {
      w.ue.registrationAccepted(M.parseRegistrationAccept(w.ue.downlink(acc.message)).guti);
      S.contexts.delete(toHex(GUTI_SOURCE));
      S.add({ supi: SUBSCRIBER.supi, guti: GUTI_SOURCE_2, nas: c.nas, ueSecurityCapabilities: w.ue.caps });
    } catch (e) {
      if (!(e instanceof ReplayError || e instanceof MacFailureError)) throw e;
      // Without horizontal derivation the target AMF used the same KAMF, and DL NAS COUNTs the
      // source AMF's copy of the context had not seen: its ACCEPT reuses one of them.
      w.trace.add('UE', `REGISTRATION ACCEPT from the source AMF discarded: ${e instanceof ReplayError ? 'its DL NAS COUNT was already used with this KAMF by the target AMF (replay)' : 'integrity check failed'}`, {}, { clause: 'TS 33.501 6.4.3.2' });
      w.ue.registrationFailed('REGISTRATION ACCEPT discarded');
      return 'verified-but-downlink-replayed';
    }
    return true;
  }
  w.trace.add('source AMF', 'Cannot verify the Registration Request (no 5G security context: MAC failure) — re-authentication needed', {}, { clause: 'TS 33.501 6.9.3' });
  const nas = w.authenticate(S, (w.ue.fw.read('current').ngKsi + 2) % 7);
  if (nas) {
    const r = w.ue.securityModeCommand(w.securityModeCommand(S, nas));
    if (r.result === 'complete' && nas.verifyUplink(r.response)) {
      const acc = nas.protectDownlink(2, M.registrationAccept({ guti: GUTI_SOURCE_2 }));
      w.trace.add('source AMF', 'REGISTRATION ACCEPT (new 5G-GUTI) after re-authentication', {}, { to: 'UE', message: acc.message });
      w.ue.registrationAccepted(M.parseRegistrationAccept(w.ue.downlink(acc.message)).guti);
      S.add({ supi: SUBSCRIBER.supi, guti: GUTI_SOURCE_2, nas, ueSecurityCapabilities: w.ue.caps });
    }
  }
  return false;
}
