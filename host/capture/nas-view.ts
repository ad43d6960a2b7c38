/**
 * What a decipherer needs to read from 5GS NAS messages (TS 24.501 9, 8.2): the security header,
 * message type names, the 5GS mobile identity of REGISTRATION REQUEST / IDENTITY RESPONSE, the
 * 5G-GUTI of REGISTRATION ACCEPT and the fields of SECURITY MODE COMMAND.
 */
import { MT_NAMES } from '../nas/messages.js';
import { servingNetworkName } from '../ue/ue-aka.js';

export const MESSAGE_NAMES: Record<number, string> = {
  ...MT_NAMES, 0x45: 'DEREGISTRATION REQUEST (UE originating)', 0x46: 'DEREGISTRATION ACCEPT (UE originating)',
  0x47: 'DEREGISTRATION REQUEST (UE terminated)', 0x48: 'DEREGISTRATION ACCEPT (UE terminated)', 0x4c: 'SERVICE REQUEST',
  0x4d: 'SERVICE REJECT', 0x4e: 'SERVICE ACCEPT', 0x54: 'CONFIGURATION UPDATE COMMAND', 0x55: 'CONFIGURATION UPDATE COMPLETE',
  0x5b: 'IDENTITY REQUEST', 0x5c: 'IDENTITY RESPONSE', 0x5d: 'SECURITY MODE COMMAND', 0x64: '5GMM STATUS', 0x65: 'NOTIFICATION',
  0x66: 'NOTIFICATION RESPONSE', 0x67: 'UL NAS TRANSPORT', 0x68: 'DL NAS TRANSPORT',
};
export const messageName = (plain: Uint8Array) => (plain.length >= 3 ? MESSAGE_NAMES[plain[2]] ?? `message type 0x${plain[2].toString(16).padStart(2, '0')}` : 'truncated message');

/** PLMN identity (3 octets, TS 24.008 10.5.1.3) → MCC, MNC digits. */
export function plmnDigits(p: Uint8Array): { mcc: string; mnc: string } {
  const d = (x: number) => (x === 0xf ? '' : String(x));
  return { mcc: d(p[0] & 15) + d(p[0] >> 4) + d(p[1] & 15), mnc: d(p[2] & 15) + d(p[2] >> 4) + d(p[1] >> 4) };
}
export const snnOfPlmn = (p: Uint8Array) => { const { mcc, mnc } = plmnDigits(p); return servingNetworkName(mcc, mnc); };

export type MobileIdentity =
  | { kind: 'suci'; scheme: number; hnKeyId: number; plmn: Uint8Array; routingIndicator: string; supi?: string; schemeOutput: Uint8Array }
  | { kind: 'guti'; value: Uint8Array; plmn: Uint8Array }
  | { kind: 'other'; type: number };

/** 5GS mobile identity value (9.11.3.4). */
export function mobileIdentity(v: Uint8Array): MobileIdentity {
  const type = v[0] & 7;
  if (type === 1 && v.length >= 8 && (v[0] & 0x70) === 0) {
    const plmn = v.slice(1, 4), { mcc, mnc } = plmnDigits(plmn);
    const bcd = (b: Uint8Array) => Array.from(b).map((x) => ((x & 15) === 15 ? '' : String(x & 15)) + ((x >> 4) === 15 ? '' : String(x >> 4))).join('');
    const ri = bcd(v.subarray(4, 6));
    const scheme = v[6] & 15, out = v.slice(8);
    return { kind: 'suci', scheme, hnKeyId: v[7], plmn, routingIndicator: ri, schemeOutput: out, ...(scheme === 0 ? { supi: mcc + mnc + bcd(out) } : {}) };
  }
  if (type === 2 && v.length === 11) return { kind: 'guti', value: v.slice(), plmn: v.slice(1, 4) };
  return { kind: 'other', type };
}

/** The 5GS mobile identity of a plain REGISTRATION REQUEST (8.2.6) or IDENTITY RESPONSE (8.2.22). */
export function identityOf(plain: Uint8Array): MobileIdentity | null {
  const t = plain[2];
  const at = t === 0x41 ? 4 : t === 0x5c ? 3 : -1;
  if (at < 0 || plain.length < at + 2) return null;
  const len = (plain[at] << 8) | plain[at + 1];
  if (plain.length < at + 2 + len) return null;
  return mobileIdentity(plain.subarray(at + 2, at + 2 + len));
}

/** ngKSI of a plain REGISTRATION REQUEST (octet 4, high nibble; 7 = no key). */
export const registrationNgKsi = (plain: Uint8Array) => plain[3] >> 4;

/** The 5G-GUTI (IEI 0x77) of a REGISTRATION ACCEPT (8.2.7) or CONFIGURATION UPDATE COMMAND. */
export function gutiOf(plain: Uint8Array): Uint8Array | null {
  let i: number;
  if (plain[2] === 0x42) { if (plain.length < 4) return null; i = 4 + plain[3]; }
  else if (plain[2] === 0x54) i = 3;
  else return null;
  while (i < plain.length) {
    const iei = plain[i];
    if (iei === 0x77) { const l = (plain[i + 1] << 8) | plain[i + 2]; return l === 11 ? plain.slice(i + 3, i + 14) : null; }
    if (iei & 0x80) i += 1;
    else if ((iei & 0xf0) === 0x70) i += 3 + ((plain[i + 1] << 8) | plain[i + 2]);
    else i += 2 + plain[i + 1];
  }
  return null;
}

/** SECURITY MODE COMMAND (8.2.25): selected NAS algorithms, ngKSI, HDP (Additional 5G security
 *  information, IEI 0x36, bit 1), EAP message and ABBA when present. */
export function smcFields(plain: Uint8Array): { nea: number; nia: number; ngKsi: number; hdp: boolean; eap?: Uint8Array; abba?: Uint8Array } {
  if (plain.length < 6 || plain[2] !== 0x5d) throw new Error('SECURITY MODE COMMAND truncated');
  const r: ReturnType<typeof smcFields> = { nea: plain[3] >> 4, nia: plain[3] & 15, ngKsi: plain[4] & 15, hdp: false };
  let i = 6 + plain[5];
  while (i < plain.length) {
    const iei = plain[i];
    if (iei === 0x36) r.hdp = (plain[i + 2] & 1) === 1;
    if (iei === 0x78) r.eap = plain.slice(i + 3, i + 3 + ((plain[i + 1] << 8) | plain[i + 2]));
    if (iei === 0x38) r.abba = plain.slice(i + 2, i + 2 + plain[i + 1]);
    if (iei & 0x80) i += 1;
    else if (iei === 0x57) i += 2; // Selected EPS NAS security algorithms: TV, 2 octets (9.11.3.25)
    else if ((iei & 0xf0) === 0x70) i += 3 + ((plain[i + 1] << 8) | plain[i + 2]);
    else i += 2 + plain[i + 1];
  }
  return r;
}
