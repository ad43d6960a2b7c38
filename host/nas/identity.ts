/**
 * Mobile identities as they go on the air: the SUCI of an IMSI-type SUPI (null scheme, or a
 * Profile A/B scheme output) in a 5GS mobile identity (TS 24.501 9.11.3.4), and the 5G-GUTI → GUTI
 * mapping (TS 23.003 2.10.2.1.2) in an EPS mobile identity (TS 24.301 9.9.3.12). Values only (the
 * IE contents after the length).
 */
import { InputError } from '../errors.js';
import type { Guti } from './messages.js';

/** MNC length the UE assumes when the subscriber data does not say: 2 digits. A real UE reads it
 *  from EF AD byte 4 (TS 31.102 4.2.18); this model's USIM has no EF AD, so the caller passes the
 *  subscriber's MNC length (UeDevice.mncDigits) and 2 is the documented default. */
export const DEFAULT_MNC_DIGITS = 2;

/** Packed BCD, first digit in the low nibble, an odd count padded with F in the last high nibble. */
function bcd(digits: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < digits.length; i += 2) out.push(((i + 1 < digits.length ? +digits[i + 1] : 0xf) << 4) | +digits[i]);
  return out;
}

/** PLMN identity, 3 octets (TS 24.501 9.11.3.4 octets 5–7; TS 24.008 10.5.1.3): MCC digit 2 ‖ 1,
 *  MNC digit 3 (F for a 2-digit MNC) ‖ MCC digit 3, MNC digit 2 ‖ 1. */
export function encodePlmn(mcc: string, mnc: string): Uint8Array {
  if (!/^[0-9]{3}$/.test(mcc)) throw new InputError('mcc', `must be 3 digits, got ${JSON.stringify(mcc)}`, mcc);
  if (!/^[0-9]{2,3}$/.test(mnc)) throw new InputError('mnc', `must be 2 or 3 digits, got ${JSON.stringify(mnc)}`, mnc);
  const m3 = mnc.length === 3 ? +mnc[2] : 0xf;
  return Uint8Array.of((+mcc[1] << 4) | +mcc[0], (m3 << 4) | +mcc[2], (+mnc[1] << 4) | +mnc[0]);
}

/**
 * 5GS mobile identity value of a SUCI with the null protection scheme (TS 24.501 9.11.3.4,
 * TS 23.003 2.2B, TS 33.501 6.12.2): octet 1 = SUPI format IMSI (000) ‖ type SUCI (001); PLMN
 * (MCC, MNC) in BCD; routing indicator, 1–4 digits in BCD padded with F ("0" when the USIM holds
 * none, TS 23.003 2.2B); protection scheme id 0; home network public key id 0; MSIN in BCD (the
 * null scheme sends the MSIN itself). `mncDigits` splits the IMSI into MCC ‖ MNC ‖ MSIN.
 */
export function suciNullScheme(supi: string, mncDigits: number = DEFAULT_MNC_DIGITS, routingIndicator = '0'): Uint8Array {
  if (typeof supi !== 'string' || !/^[0-9]{6,15}$/.test(supi)) throw new InputError('supi', `must be an IMSI of 6..15 digits, got ${JSON.stringify(supi)}`, supi);
  if (mncDigits !== 2 && mncDigits !== 3) throw new InputError('mncDigits', `must be 2 or 3, got ${mncDigits}`, mncDigits);
  return suciValue(supi.slice(0, 3), supi.slice(3, 3 + mncDigits), routingIndicator, 0, 0, Uint8Array.from(bcd(supi.slice(3 + mncDigits))));
}

/** The fields of a SUCI of SUPI format IMSI (TS 24.501 9.11.3.4; TS 23.003 2.2B). */
export interface SuciFields { scheme: number; hnKeyId: number; mcc: string; mnc: string; routingIndicator: string; schemeOutput: Uint8Array }

/**
 * 5GS mobile identity value of a SUCI whose scheme output is already computed — Profile A (1) or
 * B (2) of TS 33.501 Annex C (host/network/suci-profiles.ts conceals the MSIN): octet 1 = SUPI
 * format IMSI ‖ type SUCI; PLMN; routing indicator; protection scheme id (bits 1–4 of its octet,
 * 9.11.3.4); home network public key id; scheme output (ephemeral public key ‖ ciphertext ‖ MAC tag).
 */
export function suciProtected(s: SuciFields): Uint8Array {
  if (!Number.isInteger(s.scheme) || s.scheme < 1 || s.scheme > 15) throw new InputError('scheme', `must be a protection scheme id 1..15 (0 is the null scheme: suciNullScheme), got ${s.scheme}`, s.scheme);
  if (!Number.isInteger(s.hnKeyId) || s.hnKeyId < 0 || s.hnKeyId > 255) throw new InputError('hnKeyId', 'must be an integer 0..255', s.hnKeyId);
  if (!(s.schemeOutput instanceof Uint8Array) || s.schemeOutput.length === 0) throw new InputError('schemeOutput', 'must be a non-empty Uint8Array', s.schemeOutput);
  return suciValue(s.mcc, s.mnc, s.routingIndicator, s.scheme, s.hnKeyId, s.schemeOutput);
}

function suciValue(mcc: string, mnc: string, routingIndicator: string, scheme: number, hnKeyId: number, schemeOutput: Uint8Array): Uint8Array {
  if (typeof routingIndicator !== 'string' || !/^[0-9]{1,4}$/.test(routingIndicator)) throw new InputError('routingIndicator', `must be 1..4 digits, got ${JSON.stringify(routingIndicator)}`, routingIndicator);
  const plmn = encodePlmn(mcc, mnc);
  const ri = (routingIndicator + 'FFF').slice(0, 4); // F-padded to 4 nibbles
  const riOctets = [(nib(ri[1]) << 4) | nib(ri[0]), (nib(ri[3]) << 4) | nib(ri[2])];
  return Uint8Array.of(0x01, ...plmn, ...riOctets, scheme, hnKeyId, ...schemeOutput);
}
const nib = (c: string) => (c === 'F' ? 0xf : +c);

/**
 * The fields of a 5GS mobile identity value of type SUCI with SUPI format IMSI (9.11.3.4): the
 * inverse of suciNullScheme / suciProtected. For the null scheme the scheme output is the MSIN in BCD.
 */
export function decodeSuci(v: Uint8Array): SuciFields {
  if (!(v instanceof Uint8Array) || v.length < 9) throw new InputError('SUCI', 'must be a 5GS mobile identity value of at least 9 octets (TS 24.501 9.11.3.4)', v);
  if ((v[0] & 7) !== 1) throw new InputError('SUCI', `type of identity must be SUCI (001), got ${v[0] & 7}`);
  if (((v[0] >> 4) & 7) !== 0) throw new InputError('SUCI', `SUPI format must be IMSI (000), got ${(v[0] >> 4) & 7}`);
  const d = (x: number) => { if (x > 9) throw new InputError('SUCI', 'PLMN or routing indicator holds a nibble that is not a BCD digit'); return String(x); };
  const mcc = d(v[1] & 15) + d(v[1] >> 4) + d(v[2] & 15);
  const mnc = d(v[3] & 15) + d(v[3] >> 4) + ((v[2] >> 4) === 15 ? '' : d(v[2] >> 4));
  const riNibbles = [v[4] & 15, v[4] >> 4, v[5] & 15, v[5] >> 4];
  const riLen = riNibbles.indexOf(15) < 0 ? 4 : riNibbles.indexOf(15);
  if (riLen === 0 || riNibbles.slice(riLen).some((x) => x !== 15)) throw new InputError('SUCI', 'routing indicator must be 1..4 BCD digits padded with F');
  return { scheme: v[6] & 15, hnKeyId: v[7], mcc, mnc, routingIndicator: riNibbles.slice(0, riLen).map(d).join(''), schemeOutput: v.slice(8) };
}

/** The fields of a 5G-GUTI value (9.11.3.4, type 010, 11 octets). */
export function decodeGuti(v: Uint8Array): Guti {
  if (v.length !== 11 || (v[0] & 7) !== 2) throw new InputError('5G-GUTI', 'must be an 11-octet 5GS mobile identity of type 5G-GUTI', v);
  return {
    plmn: v.slice(1, 4), amfRegionId: v[4], amfSetId: (v[5] << 2) | (v[6] >> 6), amfPointer: v[6] & 0x3f,
    tmsi: ((v[7] << 24) | (v[8] << 16) | (v[9] << 8) | v[10]) >>> 0,
  };
}

/**
 * EPS mobile identity value (TS 24.301 9.9.3.12, type GUTI 110, 11 octets) of the GUTI mapped from a
 * 5G-GUTI (TS 23.003 2.10.2.1.2): MCC/MNC kept; MME Group ID (16 bits) = AMF Region ID (8 bits) ‖
 * the 8 MSB of the AMF Set ID; MME Code (8 bits) = the 2 LSB of the AMF Set ID ‖ AMF Pointer
 * (6 bits); M-TMSI = 5G-TMSI.
 */
export function mappedEpsGuti(fiveGGuti: Uint8Array): Uint8Array {
  const g = decodeGuti(fiveGGuti);
  const mmegi = (g.amfRegionId << 8) | (g.amfSetId >> 2), mmec = ((g.amfSetId & 3) << 6) | g.amfPointer;
  return Uint8Array.of(0xf6, ...g.plmn, mmegi >> 8, mmegi & 0xff, mmec,
    (g.tmsi >>> 24) & 0xff, (g.tmsi >>> 16) & 0xff, (g.tmsi >>> 8) & 0xff, g.tmsi & 0xff);
}
