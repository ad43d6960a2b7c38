/**
 * Listening to a scenario's air interface: while a tap is on, every NAS message the UE receives or
 * sends through UeDevice is recorded in order (with the plain message where the UE API hands it
 * out), together with the trace position, so the N2 writer can tell which AMF it went to or came
 * from. The tap wraps UeDevice's message methods for the duration of one run and restores them,
 * so the scenarios themselves need no capture code.
 */
import { UeDevice } from '../ue/ue-device.js';
import { UeFirmware } from '../firmware/ue-firmware.js';
import * as M from '../nas/messages.js';
import type { Trace } from '../trace.js';

export interface TappedMessage {
  dir: 'ul' | 'dl';
  nas: Uint8Array;
  /** The plain 5GMM message when the UE API exposes it (what the scenario built). */
  plain?: Uint8Array;
  /** Trace length when the UE got or sent it: the AMF is found from the trace around it. */
  at: number;
  trace: Trace;
  /** Starts a new UE-associated N2 connection (a REGISTRATION REQUEST goes in InitialUEMessage). */
  initial?: boolean;
  /** The Intra N1 mode NAS transparent container of an N2 handover (TS 24.501 9.11.3.70), not a NAS message. */
  nasc?: boolean;
  /** The UE rejected this NASC and aborted the handover (TS 33.501 6.9.2.3.4): it stays with the source AMF. */
  aborted?: boolean;
}

type Fn = (...a: any[]) => any;

export function tapScenario<T>(run: () => T): { result: T; messages: TappedMessage[] } {
  const messages: TappedMessage[] = [];
  const proto = UeDevice.prototype as unknown as Record<string, Fn>;
  const saved: Record<string, Fn> = {};
  // Calls made inside a UeDevice method are that method's business (depth > 0); a scenario that
  // calls the firmware directly (interworking) is tapped at the firmware.
  let depth = 0;
  let lastTrace: Trace | null = null;
  const wrap = (name: string, f: (orig: Fn, self: UeDevice, args: any[]) => any) => {
    saved[name] = proto[name];
    const orig = proto[name];
    proto[name] = function (this: UeDevice, ...args: any[]) {
      lastTrace = this.trace;
      if (depth > 0) return orig.apply(this, args);
      depth++;
      try { return f(orig, this, args); } finally { depth--; }
    };
  };
  const add = (self: { trace: Trace }, m: Omit<TappedMessage, 'at' | 'trace'>, at = self.trace.steps.length) => messages.push({ ...m, at, trace: self.trace });
  const fwProto = UeFirmware.prototype as unknown as Record<string, Fn>;
  const fwSaved: Record<string, Fn> = {};
  const wrapFw = (name: string, f: (orig: Fn, self: UeFirmware, args: any[], t: { trace: Trace }) => any) => {
    const orig = fwSaved[name] = fwProto[name];
    fwProto[name] = function (this: UeFirmware, ...args: any[]) {
      if (depth > 0 || !lastTrace) return orig.apply(this, args);
      depth++;
      try { return f(orig, this, args, { trace: lastTrace }); } finally { depth--; }
    };
  };
  wrapFw('registrationRequest', (o, self, a, t) => {
    const at = t.trace.steps.length;
    const r = o.apply(self, a);
    add(t, { dir: 'ul', nas: r.message, plain: a[0], initial: true }, at);
    return r;
  });
  // SECURITY MODE COMMAND in, COMPLETE/REJECT out, tapped at the device or (interworking) the
  // firmware; a plain SECURITY MODE REJECT (no previous context) is its own plaintext
  const smc = (o: Fn, self: object, a: any[], t: { trace: Trace }) => {
    const m: Uint8Array = a[0];
    add(t, { dir: 'dl', nas: m, plain: m.length > 7 ? m.subarray(7) : undefined });
    const at = t.trace.steps.length;
    const r = o.apply(self, a);
    add(t, { dir: 'ul', nas: r.response, plain: r.response[1] === 0 ? r.response : undefined }, at);
    return r;
  };
  wrapFw('securityModeCommand', smc);

  wrap('registrationRequest', (o, self, a) => {
    const at = self.trace.steps.length;
    const r = o.apply(self, a);
    add(self, { dir: 'ul', nas: r.message, plain: r.plain, initial: true }, at);
    return r;
  });
  wrap('authenticationRequest', (o, self, a) => {
    add(self, { dir: 'dl', nas: a[0], plain: a[0] });
    const r = o.apply(self, a);
    const ul = r.message === 'AUTHENTICATION RESPONSE' ? M.authenticationResponse(r.resStar) : M.authenticationFailure(r.cause, r.auts);
    add(self, { dir: 'ul', nas: ul, plain: ul });
    return r;
  });
  wrap('authenticationRequestEap', (o, self, a) => {
    add(self, { dir: 'dl', nas: a[0], plain: a[0] });
    const r = o.apply(self, a);
    add(self, { dir: 'ul', nas: r.response, plain: r.response });
    return r;
  });
  for (const name of ['authenticationReject', 'authenticationResult']) wrap(name, (o, self, a) => { add(self, { dir: 'dl', nas: a[0], plain: a[0] }); return o.apply(self, a); });
  wrap('securityModeCommand', (o, self, a) => smc(o, self, a, self));
  wrap('identityRequest', (o, self, a) => {
    add(self, { dir: 'dl', nas: M.identityRequest(1), plain: M.identityRequest(1) });
    const r = o.apply(self, a);
    add(self, { dir: 'ul', nas: r, plain: r });
    return r;
  });
  wrap('downlink', (o, self, a) => {
    const at = self.trace.steps.length;
    const plain = o.apply(self, a);
    add(self, { dir: 'dl', nas: a[0], plain }, at);
    return plain;
  });
  wrap('n2Handover', (o, self, a) => {
    add(self, { dir: 'dl', nas: a[0], nasc: true });
    const m = messages[messages.length - 1];
    try { return o.apply(self, a); } catch (e) { m.aborted = true; throw e; }
  });
  wrap('uplink', (o, self, a) => {
    const at = self.trace.steps.length;
    const r = o.apply(self, a);
    add(self, { dir: 'ul', nas: r.message, plain: a[0] }, at);
    return r;
  });
  try {
    const result = run();
    return { result, messages };
  } finally {
    for (const [k, f] of Object.entries(saved)) proto[k] = f;
    for (const [k, f] of Object.entries(fwSaved)) fwProto[k] = f;
  }
}

const AMF_ACTORS = new Set(['source AMF', 'target AMF', 'AMF']);

/** The AMF a tapped message went to or came from: for a downlink message the AMF of the last AMF
 *  trace step before it; for an uplink one the AMF of the first AMF step after it (the one that
 *  handles it); either way the other side when there is none. */
export function amfOf(m: TappedMessage): string {
  const steps = m.trace.steps;
  const isAmf = (i: number) => AMF_ACTORS.has(steps[i].from) ? steps[i].from : steps[i].to && AMF_ACTORS.has(steps[i].to!) ? steps[i].to! : null;
  const back = () => { for (let i = Math.min(m.at, steps.length) - 1; i >= 0; i--) { const a = isAmf(i); if (a) return a; } return null; };
  const fwd = () => { for (let i = m.at; i < steps.length; i++) { const a = isAmf(i); if (a) return a; } return null; };
  return (m.dir === 'dl' ? back() ?? fwd() : fwd() ?? back()) ?? 'AMF';
}
