/**
 * How the UE gets registered again in the mobility scenario: identification when an AMF knows no
 * context (TS 33.501 6.12.4), power loss and power-on followed by a new registration
 * (6.8.1.1.2.1), and the fallback to the source AMF with the kept context (6.9.3 with seed 000's change).
 */
import { toHex } from '../hex.js';
import type { Amf } from '../network/amf.js';
import { MacFailureError, ReplayError } from '../errors.js';
import * as M from '../nas/messages.js';
import { type World, SUBSCRIBER, guti } from './setup.js';

/** The 5G-GUTIs of the scenario: first at the source AMF, its accept, then re-registrations. */
export const GUTI_SOURCE = guti(0x01, 0x00000101), GUTI_TARGET = guti(0x02, 0x00000202),
  GUTI_SOURCE_2 = guti(0x01, 0x00000102), GUTI_TARGET_2 = guti(0x02, 0x00000203);

/** What happened after a power-on: the ngKSI the UE sent, whether it was authenticated, where. */
export interface AfterPowerOn { ngKsiSent: number; authenticated: boolean; registeredAt: 'source' | 'target'; downlinkReplayed: boolean }

/** Identification (TS 33.501 6.12.4): IDENTITY REQUEST for the SUCI, answered unprotected. */
export function identify(w: World, amf: Amf): boolean {
  const req = M.identityRequest(1);
  w.trace.add(amf.name, 'No UE context could be retrieved: IDENTITY REQUEST (SUCI)', {}, { to: 'UE', clause: 'TS 33.501 6.12.4, 6.9.3 c', message: req });
  w.ue.identityRequest();
  w.trace.add(amf.name, 'SUCI received: the UDM resolves it to the SUPI, then primary authentication', {}, { clause: 'TS 33.501 6.12.4' });
  return true;
}

/**
 * Power loss and power-on (TS 33.501 6.8.1.1.2.1): the UE loads the stored context only if it is
 * marked valid, then registers again at `amf` as a device would. With no valid context it sends
 * ngKSI '111' unprotected and is authenticated.
 */
export function powerCycle(w: World, amf: Amf, at: 'source' | 'target'): AfterPowerOn {
  w.ue.powerLoss();
  w.ue = w.newUe();
  const loaded = w.ue.context('current').type === 'full-native';
  const rr = w.ue.registrationRequest(M.REG_TYPE.INITIAL);
  const ngKsiSent = loaded ? w.ue.context('current').ngKsi : M.NGKSI_NO_KEY;
  const id = M.parseRegistrationRequest(rr.count === null ? rr.message : rr.message.subarray(7)).identity;
  const known = amf.find(id);
  const v = known && rr.count !== null ? known.nas.verifyUplink(rr.message) : null;
  if (known && v) {
    w.trace.add(amf.name, 'Registration Request verified with the context it holds (the UE loaded a valid stored context)', { ulCount: v.count }, { clause: 'TS 33.501 6.8.1.1.2.1' });
    const acc = known.nas.protectDownlink(2, M.registrationAccept({}));
    w.trace.add(amf.name, 'REGISTRATION ACCEPT', { dlCount: acc.count }, { to: 'UE', message: acc.message });
    try {
      w.ue.registrationAccepted(M.parseRegistrationAccept(w.ue.downlink(acc.message)).guti);
    } catch (e) {
      if (!(e instanceof ReplayError || e instanceof MacFailureError)) throw e;
      // Same finding as the fallback: without horizontal derivation the other AMF used this DL COUNT with the same KAMF
      w.trace.add('UE', 'REGISTRATION ACCEPT discarded: its DL NAS COUNT was already used with this KAMF (replay)', {}, { clause: 'TS 33.501 6.4.3.2' });
      w.ue.registrationFailed('REGISTRATION ACCEPT discarded');
      return { ngKsiSent, authenticated: false, registeredAt: at, downlinkReplayed: true };
    }
    return { ngKsiSent, authenticated: false, registeredAt: at, downlinkReplayed: false };
  }
  w.trace.add(amf.name, rr.count === null ? 'Registration Request with ngKSI 111 (no key available): authenticates the UE' : 'Cannot verify the Registration Request: authenticates the UE', {}, { clause: 'TS 33.501 6.8.1.2.1, 6.1.3' });
  if (!known) identify(w, amf);
  for (const k of [...amf.contexts.keys()]) if (amf.contexts.get(k)!.supi === SUBSCRIBER.supi) amf.contexts.delete(k);
  const nas = w.authenticate(amf, 3);
  if (!nas) throw new Error('re-registration after power-on: authentication failed');
  const r = w.ue.securityModeCommand(w.securityModeCommand(amf, nas));
  if (r.result !== 'complete' || !nas.verifyUplink(r.response)) throw new Error('re-registration after power-on: SMC failed');
  const g = at === 'source' ? GUTI_SOURCE_2 : GUTI_TARGET_2;
  const acc = nas.protectDownlink(2, M.registrationAccept({ guti: g }));
  w.trace.add(amf.name, 'REGISTRATION ACCEPT (new 5G-GUTI)', { dlCount: acc.count }, { to: 'UE', message: acc.message });
  w.ue.registrationAccepted(M.parseRegistrationAccept(w.ue.downlink(acc.message)).guti);
  amf.add({ supi: SUBSCRIBER.supi, guti: g, nas, ueSecurityCapabilities: w.ue.caps });
  return { ngKsiSent, authenticated: true, registeredAt: at, downlinkReplayed: false };
}

/** The UE registers back to the source AMF with its kept context (mobility registration with the
 *  old 5G-GUTI). True: the source AMF verified it with the context it kept; false: it could not
 *  (no context: MAC failure from its point of view) and re-authenticated the UE. */
export function fallbackToSource(w: World, S: Amf): boolean | 'verified-but-downlink-replayed' {
  w.trace.add('UE', 'Falls back: registers to the source AMF with the old 5G-GUTI and the kept context', {}, { clause: 'TS 33.501 6.9.3 with the seed 000 change' });
  // After a reject that deleted everything the UE is deregistered: an initial registration, unprotected
  const rr = w.ue.registrationRequest(w.ue.store.state === 'registered' ? M.REG_TYPE.MOBILITY_UPDATING : M.REG_TYPE.INITIAL);
  const c = S.find(GUTI_SOURCE);
  const v = rr.count === null ? null : c?.nas.verifyUplink(rr.message) ?? null;
  if (c && v) {
    w.trace.add('source AMF', 'Registration Request verified with the context it kept', { kamf: c.nas.kamf, ulCount: v.count }, { clause: 'TS 33.501 6.9.3 with the seed 000 change' });
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
  w.trace.add('source AMF', rr.count === null ? 'Unprotected Registration Request (ngKSI 111): authenticates the UE' : 'Cannot verify the Registration Request (no 5G security context: MAC failure) — re-authentication needed', {}, { clause: 'TS 33.501 6.9.3' });
  if (!c) identify(w, S);
  const nas = w.authenticate(S, (w.ue.context('current').ngKsi + 2) % 7);
  if (nas) {
    const r = w.ue.securityModeCommand(w.securityModeCommand(S, nas));
    if (r.result === 'complete' && nas.verifyUplink(r.response)) {
      const acc = nas.protectDownlink(2, M.registrationAccept({ guti: GUTI_SOURCE_2 }));
      w.trace.add('source AMF', 'REGISTRATION ACCEPT (new 5G-GUTI) after re-authentication', {}, { to: 'UE', message: acc.message });
      w.ue.registrationAccepted(M.parseRegistrationAccept(w.ue.downlink(acc.message)).guti);
      S.contexts.delete(toHex(GUTI_SOURCE)); // the context from the new AKA replaces any it kept for this UE
      S.add({ supi: SUBSCRIBER.supi, guti: GUTI_SOURCE_2, nas, ueSecurityCapabilities: w.ue.caps });
    }
  }
  return false;
}
