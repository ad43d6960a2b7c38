/**
 * EAP packets (RFC 3748 4) of the EAP-AKA′ method (type 50, RFC 9048 / RFC 5448, message format of
 * EAP-AKA, RFC 4187 8 and 10) as the NAS EAP message IE carries them (TS 24.501 9.11.2.2: the
 * value is the EAP packet as is). Built and parsed attribute by attribute; every parse error is an
 * InputError naming the field. Only what the UE and the AUSF of this model exchange is modelled.
 */
import { InputError } from '../errors.js';

/** EAP codes (RFC 3748 4). */
export const EAP_CODE = { REQUEST: 1, RESPONSE: 2, SUCCESS: 3, FAILURE: 4 } as const;
/** EAP method type of EAP-AKA′ (RFC 9048 / RFC 5448, IANA: 50). */
export const EAP_TYPE_AKA_PRIME = 50;
/** EAP-AKA(′) subtypes (RFC 4187 11). */
export const SUBTYPE = { CHALLENGE: 1, AUTHENTICATION_REJECT: 2, SYNCHRONIZATION_FAILURE: 4, IDENTITY: 5, NOTIFICATION: 12, CLIENT_ERROR: 14 } as const;
export const SUBTYPE_NAMES: Record<number, string> = {
  1: 'AKA\u2032-Challenge', 2: 'AKA\u2032-Authentication-Reject', 4: 'AKA\u2032-Synchronization-Failure', 5: 'AKA\u2032-Identity',
  12: 'AKA\u2032-Notification', 14: 'AKA\u2032-Client-Error',
};
/** Attribute types (RFC 4187 11, RFC 9048 3.1/3.2). */
export const AT = {
  RAND: 1, AUTN: 2, RES: 3, AUTS: 4, PERMANENT_ID_REQ: 10, MAC: 11, ANY_ID_REQ: 13, IDENTITY: 14, FULLAUTH_ID_REQ: 17,
  CLIENT_ERROR_CODE: 22, KDF_INPUT: 23, KDF: 24,
} as const;

/** One attribute: its type, its value (the octets after type and length, padding included) and
 *  the offset of that value in the packet (AT_MAC's MAC field is value[2..18)). */
export interface Attribute { type: number; value: Uint8Array; at: number }

/** A decoded EAP packet. `type`/`subtype`/`attributes` only for Request/Response of type 50. */
export interface EapPacket { code: number; id: number; type?: number; subtype?: number; attributes: Attribute[]; bytes: Uint8Array }

/** Parse an EAP packet (the EAP message IE value). */
export function parseEap(b: Uint8Array): EapPacket {
  if (!(b instanceof Uint8Array) || b.length < 4) throw new InputError('EAP message', 'must be at least 4 octets (RFC 3748 4)', b);
  const code = b[0], id = b[1], len = (b[2] << 8) | b[3];
  if (code < 1 || code > 4) throw new InputError('EAP code', `must be 1..4 (RFC 3748 4), got ${code}`, code);
  if (len !== b.length) throw new InputError('EAP length', `says ${len} octets, the IE holds ${b.length}`, len);
  const p: EapPacket = { code, id, attributes: [], bytes: b.slice() };
  if (code === EAP_CODE.SUCCESS || code === EAP_CODE.FAILURE) {
    if (len !== 4) throw new InputError('EAP length', `of a Success/Failure must be 4 (RFC 3748 4.2), got ${len}`, len);
    return p;
  }
  if (len < 5) throw new InputError('EAP type', 'is missing', b);
  p.type = b[4];
  if (p.type !== EAP_TYPE_AKA_PRIME) return p;
  if (len < 8) throw new InputError('EAP-AKA\u2032 subtype', 'is missing (RFC 4187 8.1: type, subtype, 2 reserved octets)', b);
  p.subtype = b[5];
  for (let i = 8; i < len;) {
    if (i + 2 > len) throw new InputError('EAP-AKA\u2032 attribute', `at octet ${i} is truncated`, b);
    const t = b[i], l = b[i + 1] * 4;
    if (l === 0 || i + l > len) throw new InputError('EAP-AKA\u2032 attribute', `type ${t} at octet ${i} has a bad length (${b[i + 1]} × 4 octets, RFC 4187 8.1)`, b);
    p.attributes.push({ type: t, value: b.slice(i + 2, i + l), at: i + 2 });
    i += l;
  }
  return p;
}

/** The first attribute of `type`, or undefined. */
export const attr = (p: EapPacket, type: number) => p.attributes.find((a) => a.type === type);
/** All attributes of `type` (AT_KDF may repeat, RFC 9048 3.2). */
export const attrs = (p: EapPacket, type: number) => p.attributes.filter((a) => a.type === type);

/** Build an EAP-AKA′ Request/Response from its attributes (each value given without padding for
 *  the length-prefixed kinds; see the helpers below). */
export function akaPrimePacket(code: number, id: number, subtype: number, attributes: Array<{ type: number; value: Uint8Array }>): Uint8Array {
  const body: number[] = [];
  for (const a of attributes) {
    const l = 2 + a.value.length;
    if (l % 4 !== 0) throw new InputError('attribute', `type ${a.type}: value of ${a.value.length} octets is not padded to a multiple of 4 with its header (RFC 4187 8.1)`);
    body.push(a.type, l / 4, ...a.value);
  }
  const len = 8 + body.length;
  return Uint8Array.of(code, id, len >> 8, len & 0xff, EAP_TYPE_AKA_PRIME, subtype, 0, 0, ...body);
}

/** EAP-Success / EAP-Failure (RFC 3748 4.2). */
export const eapSuccess = (id: number) => Uint8Array.of(EAP_CODE.SUCCESS, id, 0, 4);
export const eapFailure = (id: number) => Uint8Array.of(EAP_CODE.FAILURE, id, 0, 4);

const pad4 = (n: number) => (4 - ((n + 2) % 4)) % 4;
/** Value of a 2-reserved-octets + fixed-field attribute (AT_RAND, AT_AUTN, AT_MAC: RFC 4187 10.6, 10.7, 10.15). */
export const reservedValue = (v: Uint8Array) => Uint8Array.of(0, 0, ...v);
/** Value of an "actual length" attribute (AT_IDENTITY RFC 4187 10.5, AT_KDF_INPUT RFC 9048 3.1):
 *  2-octet length in octets, the octets, zero padding to a multiple of 4. */
export function lengthValue(v: Uint8Array): Uint8Array {
  return Uint8Array.of(v.length >> 8, v.length & 0xff, ...v, ...new Uint8Array(pad4(2 + v.length)));
}
/** AT_RES value (RFC 4187 10.8): RES length in bits, RES, padding. */
export function resValue(res: Uint8Array): Uint8Array {
  const bits = res.length * 8;
  return Uint8Array.of(bits >> 8, bits & 0xff, ...res, ...new Uint8Array(pad4(2 + res.length)));
}
/** AT_KDF value (RFC 9048 3.2): the 2-octet key derivation function number. */
export const kdfValue = (kdf: number) => Uint8Array.of(kdf >> 8, kdf & 0xff);
/** AT_MAC with a zero MAC field (the MAC goes in at value[2..18) after MACing, RFC 4187 10.15). */
export const zeroMac = () => ({ type: AT.MAC, value: new Uint8Array(18) });

/** The octets an "actual length" attribute carries (AT_IDENTITY, AT_KDF_INPUT). */
export function lengthField(a: Attribute, field: string): Uint8Array {
  const n = a.value.length >= 2 ? (a.value[0] << 8) | a.value[1] : -1;
  if (n < 0 || n > a.value.length - 2) throw new InputError(field, `actual length ${n} does not fit the attribute (${a.value.length - 2} octets)`, a.value);
  return a.value.slice(2, 2 + n);
}
/** A fixed 16-octet field after 2 reserved octets (AT_RAND, AT_AUTN, AT_MAC). */
export function fixed16(a: Attribute | undefined, field: string): Uint8Array {
  if (!a) throw new InputError(field, 'is missing', a);
  if (a.value.length !== 18) throw new InputError(field, `must be 2 reserved + 16 octets (RFC 4187 10), got ${a.value.length}`, a.value);
  return a.value.slice(2);
}
/** RES from AT_RES (length in bits; RFC 4187 10.8 allows 32..128). */
export function resField(a: Attribute | undefined): Uint8Array {
  if (!a || a.value.length < 2) throw new InputError('AT_RES', 'is missing', a);
  const bits = (a.value[0] << 8) | a.value[1];
  if (bits % 8 !== 0 || bits < 32 || bits > 128 || bits / 8 > a.value.length - 2) throw new InputError('AT_RES', `RES length ${bits} bits is not 32..128 in whole octets (RFC 4187 10.8)`, bits);
  return a.value.slice(2, 2 + bits / 8);
}
/** The KDF numbers of the AT_KDF attributes, in order. */
export const kdfList = (p: EapPacket) => attrs(p, AT.KDF).map((a) => (a.value.length >= 2 ? (a.value[0] << 8) | a.value[1] : -1));

/** A short name for traces: "EAP-Request/AKA′-Challenge", "EAP-Success". */
export function eapName(b: Uint8Array): string {
  const p = parseEap(b);
  const c = ['', 'Request', 'Response', 'Success', 'Failure'][p.code];
  if (p.subtype === undefined) return `EAP-${c}${p.type !== undefined ? ` (type ${p.type})` : ''}`;
  return `EAP-${c}/${SUBTYPE_NAMES[p.subtype] ?? `AKA\u2032 subtype ${p.subtype}`}`;
}
