/**
 * N2 handover keys end to end (TS 33.501 6.9.2.3.3, 6.9.2.3.4, A.13, A.9): a UE registered at a
 * source AMF (5G AKA + SMC) is handed over to a target AMF. The Intra N1 mode NAS transparent
 * container carries the algorithms, KACF ‖ TSC ‖ ngKSI and the 8 LSB of the DL NAS COUNT, MACed
 * with COUNT 2^32−1. KACF = 1: both sides take KAMF′ = A.13(KAMF, DIRECTION 0x01, DL COUNT) into
 * use with COUNTs 0 and a temporary KgNB; KACF = 0: KAMF and the COUNTs continue. A corrupted
 * container MAC aborts the handover with the UE's contexts unchanged.
 */
import { toHex } from '../hex.js';
import { Amf } from '../network/amf.js';
import { n2HandoverTarget } from '../network/mme.js';
import { SLOTS } from '../firmware/ue-firmware.js';
import { MacFailureError, ValueStatusError } from '../errors.js';
import * as M from '../nas/messages.js';
import { World, SUBSCRIBER, guti, authLabel, type AuthOptions, type ScenarioOptions } from './setup.js';
import type { TraceStep } from '../trace.js';
import type { UeDevice } from '../ue/ue-device.js';

export interface N2Options extends ScenarioOptions {
  kacf?: boolean; macFailure?: boolean;
  /** Fault: the container names this ngKSI (4 bits, TSC ‖ KSI) instead of the source context's. */
  nascNgKsi?: number;
  /** reproducible RANDs */ seed?: number;
}

interface N2Keys { kamf: string; ngKsi: number; knasInt: string; kgnb: string | null }

export interface N2Summary {
  kacf: boolean; macFailure: boolean;
  kamf: string;                   // KAMF before the handover
  dlCount: number;                // the source AMF's DL NAS COUNT used for the handover (before +1)
  nascSqn: number;                // its 8 LSB in the container
  ueDlCountEstimate: number | null;
  ngKsiOld: number;
  ue: N2Keys | null; network: N2Keys;
  agree: boolean;
  aborted: boolean; abortReason: 'nas-mac' | 'ngksi-names-no-context' | null; slotsUnchanged: boolean | null;
  registrationAfterHandover: 'verified' | 'failed' | 'not run';
  usimKamf: string | null;
  /** Primary authentication method of every authentication in the run (TS 33.501 6.1.3). */
  auth: string;
}

export interface N2Run { summary: N2Summary; trace: TraceStep[]; text: string }

const GUTI_S = guti(0x01, 0x00000501), GUTI_T = guti(0x02, 0x00000502);

/** Run one N2 handover (KACF 0 by default; `macFailure` corrupts the container's NAS-MAC). */
export function runN2Handover(o: N2Options = {}): N2Run {
  const kacf = o.kacf ?? false, macFailure = o.macFailure ?? false;
  const w = new World(o.seed, o);
  const S = new Amf('source AMF', w.trace), T = new Amf('target AMF', w.trace);
  w.initialRegistration(S, GUTI_S, 1);
  const src = S.find(GUTI_S)!;
  const old = w.ue.context('current');
  if (toHex(old.kamf) !== toHex(src.nas.kamf)) throw new Error('UE and source AMF do not share a KAMF after the initial registration');

  // ---- Handover Required → target AMF → HO command with the NASC
  const t = n2HandoverTarget(src, { kacf, corruptMac: macFailure, containerNgKsi: o.nascNgKsi }, w.trace);
  const before = SLOTS.map((s) => toHex(w.ue.fw.rawSlot(s)));
  let ueOut: ReturnType<UeDevice['n2Handover']> | null = null, abortReason: N2Summary['abortReason'] = null;
  try {
    ueOut = w.ue.n2Handover(t.nasc);
  } catch (e) {
    if (e instanceof MacFailureError) abortReason = 'nas-mac';
    else if (e instanceof ValueStatusError && (t.nasc[5] & 0x0f) !== old.ngKsi) abortReason = 'ngksi-names-no-context';
    else throw e;
  }
  const after = SLOTS.map((s) => toHex(w.ue.fw.rawSlot(s)));
  const network: N2Keys = { kamf: toHex(t.nas.kamf), ngKsi: t.nas.ngKsi, knasInt: toHex(t.nas.knasint), kgnb: t.kgnb ? toHex(t.kgnb) : null };
  let ue: N2Keys | null = null, registration: N2Summary['registrationAfterHandover'] = 'not run', slotsUnchanged: boolean | null = null;

  if (!ueOut) {
    slotsUnchanged = before.every((b, i) => b === after[i]);
    w.trace.add('UE', abortReason === 'nas-mac' ? 'NASC NAS-MAC verification FAILED: handover aborted, the old context kept unchanged'
      : `NASC names ngKSI ${t.nasc[5] & 0x0f}, a context the UE does not hold: handover aborted, the old context kept unchanged`, { slotsUnchanged }, { clause: 'TS 33.501 6.9.2.3.4' });
    // The UE stays with the source: its old context still works there
    const dl = src.nas.protectDownlink(2, M.registrationAccept({}));
    w.ue.downlink(dl.message);
    w.trace.add('source AMF', 'Downlink NAS message with the old context verified by the UE (handover aborted)', { dlCount: dl.count }, { to: 'UE' });
  } else {
    const cur = w.ue.context('current');
    ue = { kamf: toHex(cur.kamf), ngKsi: cur.ngKsi, knasInt: toHex(cur.knasint), kgnb: kacf ? toHex(cur.kgnb) : null };
    w.trace.add('UE', kacf ? 'NASC verified; KAMF′ = A.13(KAMF, 0x01, DL COUNT from the SQN); COUNTs 0; temporary KgNB' : 'NASC verified; algorithms applied; DL COUNT set',
      { dlCount: ueOut.dlCount, kamf: cur.kamf, ngKsi: cur.ngKsi, knasint: cur.knasint, kgnb: kacf ? cur.kgnb : null }, { clause: 'TS 33.501 6.9.2.3.4' });
    // ---- Mobility registration at the target AMF with the (new) context
    const rr = w.ue.registrationRequest(M.REG_TYPE.MOBILITY_UPDATING);
    if (t.nas.verifyUplink(rr.message)) {
      const acc = t.nas.protectDownlink(2, M.registrationAccept({ guti: GUTI_T }));
      w.trace.add('target AMF', 'Registration Request verified; REGISTRATION ACCEPT (new 5G-GUTI)', { dlCount: acc.count }, { to: 'UE', message: acc.message });
      w.ue.registrationAccepted(M.parseRegistrationAccept(w.ue.downlink(acc.message)).guti);
      T.add({ supi: SUBSCRIBER.supi, guti: GUTI_T, nas: t.nas, ueSecurityCapabilities: w.ue.caps });
      S.contexts.delete(toHex(GUTI_S));
      registration = 'verified';
    } else {
      w.trace.add('target AMF', 'Registration Request FAILED verification', {});
      registration = 'failed';
    }
  }
  const agree = ue !== null && JSON.stringify(ue) === JSON.stringify(network);
  w.trace.add('UE', `Result: ${!ueOut ? 'handover aborted, old context kept' : agree ? 'UE and target AMF hold the same keys' : 'UE and target AMF DIFFER'}`, {});
  const usim = w.ue.store.stored()?.content ?? null; // the record content (marked invalid while registered, 6.8.1.1.2.1)
  const summary: N2Summary = {
    kacf, macFailure, kamf: toHex(old.kamf), dlCount: t.dlCount, nascSqn: t.nasc[6], ueDlCountEstimate: ueOut?.dlCount ?? null, ngKsiOld: old.ngKsi,
    ue, network, agree, aborted: !ueOut, abortReason, slotsUnchanged, registrationAfterHandover: registration, usimKamf: usim ? toHex(usim.kamf) : null,
    auth: authLabel(o),
  };
  return { summary, trace: w.trace.steps, text: w.trace.render() };
}
