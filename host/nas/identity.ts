/**
 * Mobile identities as they go on the air: the null-scheme SUCI of an IMSI-type SUPI in a 5GS
 * mobile identity (TS 24.501 9.11.3.4), and the 5G-GUTI → GUTI mapping (TS 23.003 2.10.2.1.2) in an
 * EPS mobile identity (TS 24.301 9.9.3.12). Values only (the IE contents after the length).
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
  if (!/^[0-9]{1,4}$/.test(routingIndicator)) throw new InputError('routingIndicator', `must be 1..4 digits, got ${JSON.stringify(routingIndicator)}`, routingIndicator);
  const plmn = encodePlmn(supi.slice(0, 3), supi.slice(3, 3 + mncDigits));
  const ri = (routingIndicator + 'FFF').slice(0, 4); // F-padded to 4 nibbles
  const riOctets = [(nib(ri[1]) << 4) | nib(ri[0]), (nib(ri[3]) << 4) | nib(ri[2])];
  return Uint8Array.of(0x01, ...plmn, ...riOctets, 0x00, 0x00, ...bcd(supi.slice(3 + mncDigits)));
}
const nib = (c: string) => (c === 'F' ? 0xf : +c);

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
