/**
 * Plain 5GMM messages used by the procedures (TS 24.501 8.2), built and parsed field by field.
 * Only the IEs the key-handling procedures need are modelled; each builder writes the mandatory
 * IEs in the order of the message's table and the optional ones with their IEIs.
 */
import { InputError } from '../errors.js';

export const EPD_5GMM = 0x7e;
export const MT = {
  REGISTRATION_REQUEST: 0x41, REGISTRATION_ACCEPT: 0x42, REGISTRATION_COMPLETE: 0x43, REGISTRATION_REJECT: 0x44,
  AUTHENTICATION_REQUEST: 0x56, AUTHENTICATION_RESPONSE: 0x57, AUTHENTICATION_REJECT: 0x58, AUTHENTICATION_FAILURE: 0x59, AUTHENTICATION_RESULT: 0x5a,
  SECURITY_MODE_COMMAND: 0x5d, SECURITY_MODE_COMPLETE: 0x5e, SECURITY_MODE_REJECT: 0x5f,
} as const;
export const MT_NAMES: Record<number, string> = Object.fromEntries(Object.entries(MT).map(([k, v]) => [v, k.replace(/_/g, ' ')]));

/** 5GS registration type (9.11.3.7). */
export const REG_TYPE = { INITIAL: 1, MOBILITY_UPDATING: 2, PERIODIC_UPDATING: 3, EMERGENCY: 4 } as const;
/** ngKSI value "no key is available" (9.11.3.32). */
export const NGKSI_NO_KEY = 7;

const header = (mt: number) => [EPD_5GMM, 0x00, mt];
const tlvE = (iei: number, v: Uint8Array) => [iei, v.length >> 8, v.length & 0xff, ...v];

/** A 5G-GUTI as a 5GS mobile identity value (9.11.3.4, type 010): 11 octets. */
export interface Guti { plmn: Uint8Array; amfRegionId: number; amfSetId: number; amfPointer: number; tmsi: number }
export function encodeGuti(g: Guti): Uint8Array {
  return Uint8Array.of(0xf2, ...g.plmn, g.amfRegionId & 0xff, (g.amfSetId >> 2) & 0xff, ((g.amfSetId & 3) << 6) | (g.amfPointer & 0x3f),
    (g.tmsi >>> 24) & 0xff, (g.tmsi >>> 16) & 0xff, (g.tmsi >>> 8) & 0xff, g.tmsi & 0xff);
}

/** REGISTRATION REQUEST (8.2.6): registration type and ngKSI, 5GS mobile identity (LV-E),
 *  UE security capability (0x2E). */
export function registrationRequest(a: { type: number; ngKsi: number; identity: Uint8Array; ueSecurityCapabilities: Uint8Array }): Uint8Array {
  return Uint8Array.of(...header(MT.REGISTRATION_REQUEST), ((a.ngKsi & 0x0f) << 4) | 0x08 | (a.type & 7),
    a.identity.length >> 8, a.identity.length & 0xff, ...a.identity, 0x2e, a.ueSecurityCapabilities.length, ...a.ueSecurityCapabilities);
}

/** REGISTRATION ACCEPT (8.2.7): 5GS registration result (LV), 5G-GUTI (0x77, TLV-E) if assigned. */
export function registrationAccept(a: { guti?: Uint8Array }): Uint8Array {
  return Uint8Array.of(...header(MT.REGISTRATION_ACCEPT), 0x01, 0x01, ...(a.guti ? tlvE(0x77, a.guti) : []));
}

/** REGISTRATION REJECT (8.2.9) with a 5GMM cause. */
export const registrationReject = (cause: number) => Uint8Array.of(...header(MT.REGISTRATION_REJECT), cause);

/** SECURITY MODE COMMAND (8.2.25) as the AMF builds it. */
export function securityModeCommand(a: {
  nea: number; nia: number; ngKsi: number; replayedCaps: Uint8Array; imeisvRequest?: boolean; hdp?: boolean; rinmr?: boolean;
  epsAlgs?: number; abba?: Uint8Array; eap?: Uint8Array;
}): Uint8Array {
  const b = [...header(MT.SECURITY_MODE_COMMAND), ((a.nea & 0x0f) << 4) | (a.nia & 0x0f), a.ngKsi & 0x0f, a.replayedCaps.length, ...a.replayedCaps];
  if (a.imeisvRequest) b.push(0xe1);
  if (a.epsAlgs !== undefined) b.push(0x57, a.epsAlgs);
  if (a.hdp || a.rinmr) b.push(0x36, 0x01, (a.hdp ? 1 : 0) | (a.rinmr ? 2 : 0));
  if (a.eap) b.push(...tlvE(IEI_EAP_MESSAGE, a.eap)); // EAP-Success after EAP-AKA′ (TS 24.501 5.4.2.2, 38.508-1 4.9.8)
  if (a.abba) b.push(0x38, a.abba.length, ...a.abba);
  return Uint8Array.from(b);
}

/** AUTHENTICATION REQUEST (8.2.1): ngKSI, ABBA (LV), RAND (0x21, TV), AUTN (0x20, TLV). */
export function authenticationRequest(a: { ngKsi: number; abba: Uint8Array; rand: Uint8Array; autn: Uint8Array }): Uint8Array {
  return Uint8Array.of(...header(MT.AUTHENTICATION_REQUEST), a.ngKsi & 0x0f, a.abba.length, ...a.abba, 0x21, ...a.rand, 0x20, a.autn.length, ...a.autn);
}

/** AUTHENTICATION RESPONSE (8.2.2) with RES* (0x2D, TLV). */
export const authenticationResponse = (resStar: Uint8Array) => Uint8Array.of(...header(MT.AUTHENTICATION_RESPONSE), 0x2d, resStar.length, ...resStar);

/** AUTHENTICATION FAILURE (8.2.4): 5GMM cause, AUTS (0x30, TLV) for synch failure. */
export const authenticationFailure = (cause: number, auts?: Uint8Array) =>
  Uint8Array.of(...header(MT.AUTHENTICATION_FAILURE), cause, ...(auts ? [0x30, auts.length, ...auts] : []));

/** The message type of a plain 5GMM message. */
export function messageType(plain: Uint8Array): number {
  if (plain.length < 3 || plain[0] !== EPD_5GMM || plain[1] !== 0) throw new InputError('message', 'is not a plain 5GMM message', plain);
  return plain[2];
}

/** Parse the fields of messages the procedures read. */
export function parseRegistrationRequest(p: Uint8Array): { type: number; ngKsi: number; identity: Uint8Array; caps: Uint8Array | null } {
  if (messageType(p) !== MT.REGISTRATION_REQUEST) throw new InputError('message', 'is not a REGISTRATION REQUEST', p);
  const idLen = (p[4] << 8) | p[5];
  const identity = p.slice(6, 6 + idLen);
  let i = 6 + idLen, caps: Uint8Array | null = null;
  while (i < p.length) { const iei = p[i], l = p[i + 1]; if (iei === 0x2e) caps = p.slice(i + 2, i + 2 + l); i += 2 + l; }
  return { type: p[3] & 7, ngKsi: p[3] >> 4, identity, caps };
}

export function parseRegistrationAccept(p: Uint8Array): { guti: Uint8Array | null } {
  if (messageType(p) !== MT.REGISTRATION_ACCEPT) throw new InputError('message', 'is not a REGISTRATION ACCEPT', p);
  let i = 3 + 1 + p[3];
  while (i < p.length) {
    if (p[i] === 0x77) { const l = (p[i + 1] << 8) | p[i + 2]; return { guti: p.slice(i + 3, i + 3 + l) }; }
    i += optionalIeLength(p, i);
  }
  return { guti: null };
}

/** Octets of the optional IE at p[i] of a 5GMM message, from its IEI alone (TS 24.007 11.2.4;
 *  TS 24.501 9.11 formats): bit 8 set → type 1/2, one octet (e.g. NSSAI inclusion mode A-,
 *  network slicing indication 9- in REGISTRATION ACCEPT); IEI 0x7- → TLV-E, 3 + a 16-bit length
 *  (e.g. 5G-GUTI 77, SOR transparent container 73); otherwise TLV, 2 + an 8-bit length. */
export function optionalIeLength(p: Uint8Array, i: number): number {
  if (p[i] & 0x80) return 1;
  if ((p[i] & 0xf0) === 0x70) return 3 + ((p[i + 1] << 8) | p[i + 2]);
  return 2 + p[i + 1];
}

/** IEI of the EAP message IE (TS 24.501 9.11.2.2, TLV-E) in AUTHENTICATION REQUEST/RESPONSE/
 *  REJECT (8.2.1, 8.2.2, 8.2.5) and SECURITY MODE COMMAND (8.2.25). */
export const IEI_EAP_MESSAGE = 0x78;

/** AUTHENTICATION REQUEST (8.2.1) as received: ngKSI, ABBA, and the optional RAND (0x21), AUTN
 *  (0x20) of 5G AKA or the EAP message (0x78) of EAP-AKA′. A truncated IE is an InputError. */
export function parseAuthenticationRequest(p: Uint8Array): { ngKsi: number; abba: Uint8Array; rand?: Uint8Array; autn?: Uint8Array; eap?: Uint8Array } {
  if (messageType(p) !== MT.AUTHENTICATION_REQUEST) throw new InputError('message', 'is not an AUTHENTICATION REQUEST', p);
  if (p.length < 5 || 5 + p[4] > p.length) throw new InputError('ABBA', 'is truncated', p);
  const abba = p.slice(5, 5 + p[4]);
  const r: { ngKsi: number; abba: Uint8Array; rand?: Uint8Array; autn?: Uint8Array; eap?: Uint8Array } = { ngKsi: p[3] & 0x0f, abba };
  for (let i = 5 + p[4]; i < p.length;) {
    const iei = p[i];
    if (iei === 0x21) { if (i + 17 > p.length) throw new InputError('RAND', 'is truncated', p); r.rand = p.slice(i + 1, i + 17); i += 17; continue; }
    if (iei === IEI_EAP_MESSAGE) {
      const l = i + 3 <= p.length ? (p[i + 1] << 8) | p[i + 2] : -1;
      if (l < 0 || i + 3 + l > p.length) throw new InputError('EAP message', 'is truncated', p);
      r.eap = p.slice(i + 3, i + 3 + l); i += 3 + l; continue;
    }
    if (i + 2 > p.length || i + 2 + p[i + 1] > p.length) throw new InputError(`IE 0x${iei.toString(16)}`, 'is truncated', p);
    if (iei === 0x20) r.autn = p.slice(i + 2, i + 2 + p[i + 1]);
    i += 2 + p[i + 1];
  }
  return r;
}

/** AUTHENTICATION REQUEST (8.2.1) of EAP-AKA′: ngKSI, ABBA (LV), EAP message (0x78, TLV-E). */
export function authenticationRequestEap(a: { ngKsi: number; abba: Uint8Array; eap: Uint8Array }): Uint8Array {
  return Uint8Array.of(...header(MT.AUTHENTICATION_REQUEST), a.ngKsi & 0x0f, a.abba.length, ...a.abba, ...tlvE(IEI_EAP_MESSAGE, a.eap));
}

/** AUTHENTICATION RESPONSE (8.2.2) carrying an EAP-Response (0x78, TLV-E). */
export const authenticationResponseEap = (eap: Uint8Array) => Uint8Array.of(...header(MT.AUTHENTICATION_RESPONSE), ...tlvE(IEI_EAP_MESSAGE, eap));

/** The IEs of an AUTHENTICATION RESPONSE (8.2.2): RES* (0x2D) and EAP message (0x78). */
export function parseAuthenticationResponse(p: Uint8Array): { resStar?: Uint8Array; eap?: Uint8Array } {
  if (messageType(p) !== MT.AUTHENTICATION_RESPONSE) throw new InputError('message', 'is not an AUTHENTICATION RESPONSE', p);
  const r: { resStar?: Uint8Array; eap?: Uint8Array } = {};
  for (let i = 3; i < p.length;) {
    if (p[i] === IEI_EAP_MESSAGE) {
      const l = i + 3 <= p.length ? (p[i + 1] << 8) | p[i + 2] : -1;
      if (l < 0 || i + 3 + l > p.length) throw new InputError('EAP message', 'is truncated', p);
      r.eap = p.slice(i + 3, i + 3 + l); i += 3 + l; continue;
    }
    if (i + 2 > p.length || i + 2 + p[i + 1] > p.length) throw new InputError(`IE 0x${p[i].toString(16)}`, 'is truncated', p);
    if (p[i] === 0x2d) r.resStar = p.slice(i + 2, i + 2 + p[i + 1]);
    i += 2 + p[i + 1];
  }
  return r;
}

/** AUTHENTICATION RESULT (8.2.3): ngKSI (½ octet + spare), EAP message (LV-E, mandatory), ABBA (0x38, TLV, optional). */
export function authenticationResult(a: { ngKsi: number; eap: Uint8Array; abba?: Uint8Array }): Uint8Array {
  return Uint8Array.of(...header(MT.AUTHENTICATION_RESULT), a.ngKsi & 0x0f, a.eap.length >> 8, a.eap.length & 0xff, ...a.eap,
    ...(a.abba ? [0x38, a.abba.length, ...a.abba] : []));
}

export function parseAuthenticationResult(p: Uint8Array): { ngKsi: number; eap: Uint8Array; abba?: Uint8Array } {
  if (messageType(p) !== MT.AUTHENTICATION_RESULT) throw new InputError('message', 'is not an AUTHENTICATION RESULT', p);
  if (p.length < 6) throw new InputError('EAP message', 'is missing', p);
  const l = (p[4] << 8) | p[5];
  if (6 + l > p.length) throw new InputError('EAP message', 'is truncated', p);
  const r: { ngKsi: number; eap: Uint8Array; abba?: Uint8Array } = { ngKsi: p[3] & 0x0f, eap: p.slice(6, 6 + l) };
  for (let i = 6 + l; i < p.length;) {
    if (i + 2 > p.length || i + 2 + p[i + 1] > p.length) throw new InputError(`IE 0x${p[i].toString(16)}`, 'is truncated', p);
    if (p[i] === 0x38) r.abba = p.slice(i + 2, i + 2 + p[i + 1]);
    i += 2 + p[i + 1];
  }
  return r;
}

/** AUTHENTICATION REJECT (8.2.5), with an EAP-Failure (0x78) after EAP-AKA′. */
export const authenticationReject = (eap?: Uint8Array) => Uint8Array.of(...header(MT.AUTHENTICATION_REJECT), ...(eap ? tlvE(IEI_EAP_MESSAGE, eap) : []));

/** The EAP message IE (0x78) of a plain SECURITY MODE COMMAND, and its ABBA (0x38), if present. */
export function smcEapAndAbba(p: Uint8Array): { eap?: Uint8Array; abba?: Uint8Array; ngKsi: number } {
  if (p.length < 6 || messageType(p) !== MT.SECURITY_MODE_COMMAND || 6 + p[5] > p.length) throw new InputError('message', 'is not a SECURITY MODE COMMAND', p);
  const r: { eap?: Uint8Array; abba?: Uint8Array; ngKsi: number } = { ngKsi: p[4] & 0x0f };
  for (let i = 6 + p[5]; i < p.length;) {
    const iei = p[i];
    if (iei & 0x80) { i += 1; continue; }                      // type 1 IEs (IMEISV request)
    if (iei === 0x57) { i += 2; continue; }                    // selected EPS NAS algorithms (TV 2)
    if ((iei & 0xf0) === 0x70) {                               // TLV-E
      const l = i + 3 <= p.length ? (p[i + 1] << 8) | p[i + 2] : -1;
      if (l < 0 || i + 3 + l > p.length) throw new InputError(`IE 0x${iei.toString(16)}`, 'is truncated', p);
      if (iei === IEI_EAP_MESSAGE) r.eap = p.slice(i + 3, i + 3 + l);
      i += 3 + l; continue;
    }
    if (i + 2 > p.length || i + 2 + p[i + 1] > p.length) throw new InputError(`IE 0x${iei.toString(16)}`, 'is truncated', p);
    if (iei === 0x38) r.abba = p.slice(i + 2, i + 2 + p[i + 1]);
    i += 2 + p[i + 1];
  }
  return r;
}

/** The IEs of a SECURITY MODE COMPLETE (8.2.26): IMEISV (0x77) and NAS message container (0x71). */
export function parseSecurityModeComplete(p: Uint8Array): { imeisv: Uint8Array | null; nasContainer: Uint8Array | null } {
  if (messageType(p) !== MT.SECURITY_MODE_COMPLETE) throw new InputError('message', 'is not a SECURITY MODE COMPLETE', p);
  let i = 3, imeisv: Uint8Array | null = null, nasContainer: Uint8Array | null = null;
  while (i + 3 <= p.length) {
    const l = (p[i + 1] << 8) | p[i + 2], v = p.slice(i + 3, i + 3 + l);
    if (p[i] === 0x77) imeisv = v; else if (p[i] === 0x71) nasContainer = v;
    i += 3 + l;
  }
  return { imeisv, nasContainer };
}

/** SECURITY MODE REJECT (8.2.27) with a 5GMM cause (#23 UE security capabilities mismatch, #24
 *  security mode rejected, unspecified), as the UE sends it unprotected (TS 24.501 5.4.2.5). */
export const securityModeReject = (cause: number) => Uint8Array.of(...header(MT.SECURITY_MODE_REJECT), cause);

/** IDENTITY REQUEST (8.2.21) for an identity type (9.11.3.3: 1 = SUCI). */
export const identityRequest = (identityType = 1) => Uint8Array.of(...header(0x5b), identityType & 7);

/** IDENTITY RESPONSE (8.2.22): a 5GS mobile identity (LV-E). */
export const identityResponse = (identity: Uint8Array) => Uint8Array.of(...header(0x5c), identity.length >> 8, identity.length & 0xff, ...identity);

/** The replayed UE security capabilities of a plain SECURITY MODE COMMAND (8.2.25: octet 5 is the ngKSI, then LV). */
export function smcReplayedCaps(p: Uint8Array): Uint8Array | null {
  if (p.length < 6 || messageType(p) !== MT.SECURITY_MODE_COMMAND || p.length < 6 + p[5]) return null;
  return p.slice(6, 6 + p[5]);
}
