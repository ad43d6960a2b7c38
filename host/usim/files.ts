/**
 * Byte-exact codecs for the DF5GS files of TS 31.102 (4.4.11) that hold 5G key material and
 * location information: EF 5GS3GPPNSC (4F03) / EF 5GSN3GPPNSC (4F04), EF 5GAUTHKEYS (4F05) and
 * EF 5GS3GPPLOCI (4F01) / EF 5GSN3GPPLOCI (4F02). Layouts follow TS 31.102 4.4.11 (DF5GS).
 *
 * Decoding is total: any byte string decodes to `{ valid: true, ... }` or `{ valid: false, reason }`
 * and never throws, never returns a key it did not read whole. Encoding validates and throws
 * {@link InputError} naming the field.
 *
 * ngKSI representation (choice documented here): a plain number 0..6, the KSI of a *native*
 * context. Only native contexts are stored (TS 33.501 6.8.1.1.1), so the TSC bit is always 0 and the
 * number equals the 4-bit ngKSI IE value (TS 24.501 9.11.3.32) and the stored tag-80 byte. KSI 7
 * ('111', "no key is available") is never a context: it is the invalid marker, written only by
 * {@link encodeNoNscRecord}.
 *
 * Marked invalid with its content kept (modelling choice, see {@link encodeNscRecord}): TS 33.501
 * 6.8.1.1.2.1 marks the stored copy invalid while a registration is in progress and while
 * registered, and 6.9.3 (seed 000) still replaces the stored KAMF and ngKSI on completion, so the
 * record needs both a content and a validity. The only invalid marker the specifications give is
 * KSI '111' in tag 80 (TS 31.102 EF EPSNSC analogue, TS 33.501 6.2.2.2); the model writes it in
 * b3–b1 and keeps the content's KSI in b7–b5 (b4, b8 = 0), so any reader that follows 31.102
 * sees "no key is available" and never loads it.
 */
import { InputError } from '../errors.js';
import { bytes, int } from '../validate.js';

/** EF 5GS3GPPLOCI, 5GS 3GPP location information (TS 31.102 4.4.11.2). */
export const FID_5GS3GPPLOCI = 0x4f01;
/** EF 5GSN3GPPLOCI, 5GS non-3GPP location information (TS 31.102 4.4.11.3). */
export const FID_5GSN3GPPLOCI = 0x4f02;
/** EF 5GS3GPPNSC, 5GS 3GPP access NAS security context (TS 31.102 4.4.11.4). */
export const FID_5GS3GPPNSC = 0x4f03;
/** EF 5GSN3GPPNSC, 5GS non-3GPP access NAS security context (TS 31.102 4.4.11.6). */
export const FID_5GSN3GPPNSC = 0x4f04;
/** EF 5GAUTHKEYS, 5G authentication keys (TS 31.102 4.4.11.5). */
export const FID_5GAUTHKEYS = 0x4f05;

/** Tag of the constructed 5GS NAS Security Context TLV (TS 31.102 4.4.11.4). */
export const TAG_NSC = 0xa0;
/** Tag of the ngKSI (TS 31.102 4.4.11.4). */
export const TAG_NGKSI = 0x80;
/** Tag of KAMF (TS 31.102 4.4.11.4). */
export const TAG_KAMF = 0x81;
/** Tag of the uplink NAS COUNT (TS 31.102 4.4.11.4). */
export const TAG_UL_NAS_COUNT = 0x82;
/** Tag of the downlink NAS COUNT (TS 31.102 4.4.11.4). */
export const TAG_DL_NAS_COUNT = 0x83;
/** Tag of the selected NAS algorithms, coded as in TS 24.501 9.11.3.34. */
export const TAG_NAS_ALGS = 0x84;
/** Tag of the selected EPS NAS algorithms, coded as in TS 24.301 9.9.3.23. */
export const TAG_EPS_NAS_ALGS = 0x85;
/** Tag of KAUSF in EF 5GAUTHKEYS, a plain TLV collection with no A0 wrapper (TS 31.102 4.4.11.5). */
export const TAG_KAUSF = 0x80;
/** Tag of KSEAF in EF 5GAUTHKEYS (TS 31.102 4.4.11.5). */
export const TAG_KSEAF = 0x81;

/** Minimum EF 5GS3GPPNSC record: A0 hdr 2 + 80 (3) + 81 (34) + 82 (6) + 83 (6) + 84 (3) + 85 (3). */
export const NSC_RECORD_MIN = 57;
/** Minimum EF 5GAUTHKEYS size: 80 (2 + 32) + 81 (2 + 32). */
export const AUTHKEYS_MIN = 68;
/** EF 5GS3GPPLOCI / EF 5GSN3GPPLOCI size. */
export const LOCI_SIZE = 20;
/** KSI '111': "no key is available"; as the stored ngKSI it marks the record invalid. */
export const NGKSI_NO_KEY = 0x07;

/** Result of a total decoder: the fields, or why there are none. */
export type Decoded<T> = ({ valid: true } & T) | { valid: false; reason: string };

/** Selected algorithm identifiers (TS 24.501 9.11.3.34 / TS 24.301 9.9.3.23), each 0..7. */
export interface NasAlgs {
  /** High nibble: 5G-EA / EEA identifier. */
  ciphering: number;
  /** Low nibble: 5G-IA / EIA identifier. */
  integrity: number;
}

/**
 * A native 5G NAS security context as stored (TS 33.501 6.8.1.1.1: without the UE security
 * capabilities and without KNASint/KNASenc, which are re-derived from KAMF and tag 84).
 */
export interface StoredNsc {
  /** KSI of the native context, 0..6 (TSC 0). */
  ngKsi: number;
  /** KAMF, 32 bytes. */
  kamf: Uint8Array;
  ulNasCount: number;
  dlNasCount: number;
  nasAlgs: NasAlgs;
  /** Selected EPS NAS algorithms for later mobility to EPS (TS 33.501 6.7.2); null when none. */
  epsNasAlgs: NasAlgs | null;
}

/** Content of EF 5GAUTHKEYS (TS 31.102 4.4.11.5). */
export interface AuthKeys {
  kausf: Uint8Array;
  kseaf: Uint8Array;
}

/** 5GS update status values, byte 20 of EF 5GS3GPPLOCI (TS 31.102 4.4.11.2); others reserved. */
export const UPDATE_STATUS = { updated: 0, notUpdated: 1, roamingNotAllowed: 2 } as const;
/** A 5GS update status (TS 31.102 4.4.11.2): 0 updated, 1 not updated, 2 roaming not allowed. */
export type UpdateStatus = 0 | 1 | 2;

/** Content of EF 5GS3GPPLOCI / EF 5GSN3GPPLOCI (TS 31.102 4.4.11.2/4.4.11.3). */
export interface Loci {
  /** Octets 2–14 of a 5GS mobile identity IE holding a 5G-GUTI (13 bytes, opaque); null = none (all 'FF'). */
  guti: Uint8Array | null;
  /** Last visited registered TAI: PLMN (3 bytes, BCD as in TS 24.008) ‖ TAC (3 bytes). */
  tai: { plmn: Uint8Array; tac: Uint8Array };
  updateStatus: UpdateStatus;
}

// ---------------------------------------------------------------------------------------------
// Encoder helpers (input checks come from host/validate.ts)

/** The NAS security algorithms octet (TS 24.501 9.11.3.34): ciphering in bits 8–5, integrity in bits 4–1. */
function algsByte(field: string, a: NasAlgs): number {
  if (a === null || typeof a !== 'object') throw new InputError(field, 'must be {ciphering, integrity}', a);
  return (int(`${field}.ciphering`, a.ciphering, 0, 7) << 4) | int(`${field}.integrity`, a.integrity, 0, 7);
}
const hex2 = (b: number): string => b.toString(16).toUpperCase().padStart(2, '0');

/** A record of `length` bytes of 'FF' with `body` at its start. */
function padded(body: number[], length: number): Uint8Array {
  const out = new Uint8Array(length).fill(0xff);
  out.set(body);
  return out;
}
function u32be(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}
/** Append one primitive TLV; the length is computed here (single-octet form, ISO/IEC 8825-1). */
function tlv(out: number[], tag: number, value: ArrayLike<number>): void {
  out.push(tag, value.length, ...Array.from(value));
}

// ---------------------------------------------------------------------------------------------
// TLV reader (decoders only; total)

interface Tlv { tag: number; value: Uint8Array; end: number }

/**
 * Read one TLV at `pos` (single-byte tag, BER definite length in short form or '81 xx').
 * Returns a reason string when the bytes are not a complete TLV before `limit`.
 */
function readTlv(b: Uint8Array, pos: number, limit: number): Tlv | string {
  if (pos + 2 > limit) return `truncated TLV at offset ${pos}`;
  const tag = b[pos];
  let len = b[pos + 1];
  let p = pos + 2;
  if (len === 0x81) {
    if (p >= limit) return `truncated length of tag ${hex2(tag)} at offset ${pos}`;
    len = b[p++];
  } else if (len >= 0x80) {
    return `unsupported length coding ${hex2(len)} of tag ${hex2(tag)} at offset ${pos}`;
  }
  if (p + len > limit) return `tag ${hex2(tag)} at offset ${pos} has length ${len} beyond the end (${limit - p} bytes left)`;
  return { tag, value: b.slice(p, p + len), end: p + len };
}

/** Parse TLVs in [pos, end) until `end` or an 'FF' padding byte; every tag must be in `known`, once. */
function readTlvs(b: Uint8Array, pos: number, end: number, known: Record<number, string>): Map<number, Uint8Array> | string {
  const seen = new Map<number, Uint8Array>();
  while (pos < end && b[pos] !== 0xff) {
    const t = readTlv(b, pos, end);
    if (typeof t === 'string') return t;
    if (!(t.tag in known)) return `unexpected tag ${hex2(t.tag)} at offset ${pos}`;
    if (seen.has(t.tag)) return `duplicate tag ${hex2(t.tag)} (${known[t.tag]}) at offset ${pos}`;
    seen.set(t.tag, t.value);
    pos = t.end;
  }
  for (let i = pos; i < end; i++) if (b[i] !== 0xff) return `non-'FF' byte ${hex2(b[i])} in the padding at offset ${i}`;
  return seen;
}

function fixedLength(m: Map<number, Uint8Array>, tag: number, name: string, len: number): Uint8Array | string {
  const v = m.get(tag);
  if (v === undefined) return `${name} (tag ${hex2(tag)}) missing`;
  if (v.length !== len) return `${name} (tag ${hex2(tag)}) must be ${len} bytes, got ${v.length}`;
  return v;
}
function decodeAlgs(name: string, byte: number): NasAlgs | string {
  const ciphering = byte >> 4;
  const integrity = byte & 0x0f;
  if (ciphering > 7 || integrity > 7) return `${name} byte ${hex2(byte)} names a reserved algorithm (identifiers are 0..7)`;
  return { ciphering, integrity };
}
function notBytes(b: unknown): string | null {
  return b instanceof Uint8Array ? null : 'not a byte string';
}

// ---------------------------------------------------------------------------------------------
// EF 5GS3GPPNSC / EF 5GSN3GPPNSC

const NSC_TAGS: Record<number, string> = {
  [TAG_NGKSI]: 'ngKSI', [TAG_KAMF]: 'KAMF', [TAG_UL_NAS_COUNT]: 'uplink NAS COUNT',
  [TAG_DL_NAS_COUNT]: 'downlink NAS COUNT', [TAG_NAS_ALGS]: 'selected NAS algorithms',
  [TAG_EPS_NAS_ALGS]: 'selected EPS NAS algorithms',
};

/**
 * Encode one record of EF 5GS3GPPNSC / EF 5GSN3GPPNSC (TS 31.102 4.4.11.4/4.4.11.6):
 * `A0 L {80 01 ngKSI} {81 20 KAMF} {82 04 UL} {83 04 DL} {84 01 algs} [{85 01 epsAlgs}]`, then 'FF'
 * up to `recordLength` (≥ 57; 62 when the EF has two records under service n°136).
 * Tag 85 is omitted when `epsNasAlgs` is null.
 */
export function encodeNscRecord(ctx: StoredNsc, recordLength = NSC_RECORD_MIN, marked: 'valid' | 'invalid' = 'valid'): Uint8Array {
  if (ctx === null || typeof ctx !== 'object') throw new InputError('context', 'must be an object', ctx);
  int('recordLength', recordLength, NSC_RECORD_MIN, 255);
  let ngKsi = int('ngKsi', ctx.ngKsi, 0, 6); // native KSI; TSC bit 0; 7 is the no-key marker
  if (oneMark(marked) === 'invalid') ngKsi = (ngKsi << 4) | NGKSI_NO_KEY; // content KSI in b7-b5, '111' in b3-b1
  const kamf = bytes('kamf', ctx.kamf, 32);
  const ul = int('ulNasCount', ctx.ulNasCount, 0, 0xffffffff);
  const dl = int('dlNasCount', ctx.dlNasCount, 0, 0xffffffff);
  const inner: number[] = [];
  tlv(inner, TAG_NGKSI, [ngKsi]);
  tlv(inner, TAG_KAMF, kamf);
  tlv(inner, TAG_UL_NAS_COUNT, u32be(ul));
  tlv(inner, TAG_DL_NAS_COUNT, u32be(dl));
  tlv(inner, TAG_NAS_ALGS, [algsByte('nasAlgs', ctx.nasAlgs)]);
  if (ctx.epsNasAlgs !== null && ctx.epsNasAlgs !== undefined) tlv(inner, TAG_EPS_NAS_ALGS, [algsByte('epsNasAlgs', ctx.epsNasAlgs)]);
  const body: number[] = [];
  tlv(body, TAG_NSC, inner);
  return padded(body, recordLength);
}

function oneMark(m: unknown): 'valid' | 'invalid' {
  if (m !== 'valid' && m !== 'invalid') throw new InputError('marked', "must be 'valid' or 'invalid'", m);
  return m;
}

/**
 * The "no valid context" record: `A0 03 80 01 07` then 'FF'. This is how a stored context is
 * marked invalid (TS 33.501 6.8.1.1.2.1 / 6.2.2.2: "set the KSI value of ngKSI to '111'"); the
 * rest of the old context (its KAMF) is not kept, so nothing stale can be read back.
 */
export function encodeNoNscRecord(recordLength = NSC_RECORD_MIN): Uint8Array {
  int('recordLength', recordLength, NSC_RECORD_MIN, 255);
  const body: number[] = [];
  tlv(body, TAG_NSC, [TAG_NGKSI, 1, NGKSI_NO_KEY]);
  return padded(body, recordLength);
}

/**
 * Decode one EF 5GS3GPPNSC / EF 5GSN3GPPNSC record (TS 31.102 4.4.11.4). Total: an empty ('FF')
 * record, ngKSI '07', a mapped or badly coded ngKSI, a wrong tag, length or key size, or a record
 * shorter than 57 bytes all give `{ valid: false, reason }`.
 */
export function decodeNscRecord(rec: Uint8Array): Decoded<StoredNsc> {
  return decodeNsc(rec, false);
}

/**
 * What a record holds and whether it is marked valid: `content` is the context also when the
 * record is marked invalid by {@link encodeNscRecord}(…, 'invalid') (KSI '111' in b3–b1 with the
 * content's KSI in b7–b5); null when there is no whole context (empty, `A0 03 80 01 07`, bad
 * coding). For display and tests only: the ME loads a context only through {@link decodeNscRecord}.
 */
export function inspectNscRecord(rec: Uint8Array): { valid: boolean; content: StoredNsc | null; reason: string } {
  const d = decodeNscRecord(rec);
  if (d.valid) { const { valid: _v, ...content } = d; return { valid: true, content, reason: 'valid' }; }
  const c = decodeNsc(rec, true);
  return { valid: false, content: c.valid ? (({ valid: _v, ...x }) => x)(c) : null, reason: d.reason };
}

function decodeNsc(rec: Uint8Array, readMarked: boolean): Decoded<StoredNsc> {
  const nb = notBytes(rec);
  if (nb) return { valid: false, reason: nb };
  if (rec.length < NSC_RECORD_MIN) return { valid: false, reason: `record too short: ${rec.length} bytes, minimum ${NSC_RECORD_MIN}` };
  if (rec[0] === 0xff) return { valid: false, reason: "empty record ('FF'): no context stored" };
  if (rec[0] !== TAG_NSC) return { valid: false, reason: `expected tag A0 at offset 0, got ${hex2(rec[0])}` };
  const outer = readTlv(rec, 0, rec.length);
  if (typeof outer === 'string') return { valid: false, reason: outer };
  const start = outer.end - outer.value.length;
  for (let i = outer.end; i < rec.length; i++) {
    if (rec[i] !== 0xff) return { valid: false, reason: `non-'FF' byte ${hex2(rec[i])} after the A0 TLV at offset ${i}` };
  }
  const m = readTlvs(rec, start, outer.end, NSC_TAGS);
  if (typeof m === 'string') return { valid: false, reason: `in A0: ${m}` };
  // ngKSI first: the invalid marker carries no other field.
  const k = fixedLength(m, TAG_NGKSI, 'ngKSI', 1);
  if (typeof k === 'string') return { valid: false, reason: k };
  let ksiByte = k[0];
  if (readMarked && (ksiByte & 0x8f) === NGKSI_NO_KEY && (ksiByte & 0x70) !== 0x70) ksiByte >>= 4;
  else if (readMarked) return { valid: false, reason: 'not a record marked invalid with its content' };
  if ((ksiByte & 0x07) === NGKSI_NO_KEY) return { valid: false, reason: `ngKSI ${hex2(ksiByte)}: KSI '111', no valid 5G NAS security context` };
  if (ksiByte & 0xf0) return { valid: false, reason: `ngKSI byte ${hex2(ksiByte)}: bits b8-b5 must be 0` };
  if (ksiByte & 0x08) return { valid: false, reason: `ngKSI byte ${hex2(ksiByte)}: TSC 1 (mapped); only native contexts are stored` };
  const kamf = fixedLength(m, TAG_KAMF, 'KAMF', 32);
  if (typeof kamf === 'string') return { valid: false, reason: kamf };
  const ul = fixedLength(m, TAG_UL_NAS_COUNT, 'uplink NAS COUNT', 4);
  if (typeof ul === 'string') return { valid: false, reason: ul };
  const dl = fixedLength(m, TAG_DL_NAS_COUNT, 'downlink NAS COUNT', 4);
  if (typeof dl === 'string') return { valid: false, reason: dl };
  const a = fixedLength(m, TAG_NAS_ALGS, 'selected NAS algorithms', 1);
  if (typeof a === 'string') return { valid: false, reason: a };
  const nasAlgs = decodeAlgs('selected NAS algorithms', a[0]);
  if (typeof nasAlgs === 'string') return { valid: false, reason: nasAlgs };
  let epsNasAlgs: NasAlgs | null = null;
  if (m.has(TAG_EPS_NAS_ALGS)) {
    const e = fixedLength(m, TAG_EPS_NAS_ALGS, 'selected EPS NAS algorithms', 1);
    if (typeof e === 'string') return { valid: false, reason: e };
    const d = decodeAlgs('selected EPS NAS algorithms', e[0]);
    if (typeof d === 'string') return { valid: false, reason: d };
    epsNasAlgs = d;
  }
  const be = (v: Uint8Array) => ((v[0] << 24) | (v[1] << 16) | (v[2] << 8) | v[3]) >>> 0;
  return { valid: true, ngKsi: ksiByte, kamf, ulNasCount: be(ul), dlNasCount: be(dl), nasAlgs, epsNasAlgs };
}

// ---------------------------------------------------------------------------------------------
// EF 5GAUTHKEYS

const AUTHKEYS_TAGS: Record<number, string> = { [TAG_KAUSF]: 'KAUSF', [TAG_KSEAF]: 'KSEAF' };

/**
 * Encode EF 5GAUTHKEYS (TS 31.102 4.4.11.5): `80 20 KAUSF 81 20 KSEAF`, then 'FF' up to `size`
 * (≥ 68; the SAIP template allocates 110).
 */
export function encodeAuthKeys(keys: AuthKeys, size = AUTHKEYS_MIN): Uint8Array {
  if (keys === null || typeof keys !== 'object') throw new InputError('authKeys', 'must be an object', keys);
  int('size', size, AUTHKEYS_MIN, 0xffff);
  const body: number[] = [];
  tlv(body, TAG_KAUSF, bytes('kausf', keys.kausf, 32));
  tlv(body, TAG_KSEAF, bytes('kseaf', keys.kseaf, 32));
  return padded(body, size);
}

/** EF 5GAUTHKEYS with no keys (all 'FF'): KAUSF/KSEAF deleted (TS 33.501 6.2.2.2). */
export function encodeNoAuthKeys(size = AUTHKEYS_MIN): Uint8Array {
  int('size', size, AUTHKEYS_MIN, 0xffff);
  return new Uint8Array(size).fill(0xff);
}

/**
 * Decode EF 5GAUTHKEYS (TS 31.102 4.4.11.5). Total; both keys must be present with 32 bytes each,
 * the rest 'FF'. Content of service n°133 (extended parameters) is not supported and is reported.
 */
export function decodeAuthKeys(ef: Uint8Array): Decoded<AuthKeys> {
  const nb = notBytes(ef);
  if (nb) return { valid: false, reason: nb };
  if (ef.length < AUTHKEYS_MIN) return { valid: false, reason: `file too short: ${ef.length} bytes, minimum ${AUTHKEYS_MIN}` };
  if (ef[0] === 0xff) return { valid: false, reason: "empty file ('FF'): no KAUSF/KSEAF stored" };
  const m = readTlvs(ef, 0, ef.length, AUTHKEYS_TAGS);
  if (typeof m === 'string') return { valid: false, reason: m };
  const kausf = fixedLength(m, TAG_KAUSF, 'KAUSF', 32);
  if (typeof kausf === 'string') return { valid: false, reason: kausf };
  const kseaf = fixedLength(m, TAG_KSEAF, 'KSEAF', 32);
  if (typeof kseaf === 'string') return { valid: false, reason: kseaf };
  return { valid: true, kausf, kseaf };
}

// ---------------------------------------------------------------------------------------------
// EF 5GS3GPPLOCI / EF 5GSN3GPPLOCI

/**
 * Encode EF 5GS3GPPLOCI / EF 5GSN3GPPLOCI (TS 31.102 4.4.11.2/4.4.11.3), 20 bytes:
 * 5G-GUTI (13; 'FF'×13 when null) ‖ PLMN (3) ‖ TAC (3) ‖ 5GS update status (1).
 */
export function encodeLoci(loci: Loci): Uint8Array {
  if (loci === null || typeof loci !== 'object') throw new InputError('loci', 'must be an object', loci);
  const out = new Uint8Array(LOCI_SIZE).fill(0xff);
  if (loci.guti !== null) out.set(bytes('guti', loci.guti, 13), 0);
  if (loci.tai === null || typeof loci.tai !== 'object') throw new InputError('tai', 'must be {plmn, tac}', loci.tai);
  out.set(bytes('tai.plmn', loci.tai.plmn, 3), 13);
  out.set(bytes('tai.tac', loci.tai.tac, 3), 16);
  out[19] = int('updateStatus', loci.updateStatus, 0, 2);
  return out;
}

/**
 * TAC of a deleted TAI (TS 24.501 9.11.3.8: "If a TAI has to be deleted, then all bits of the
 * tracking area code shall be set to one with the exception of the least significant bit which
 * shall be set to zero"; "If the TAI is deleted the MCC and MNC shall take the value from the
 * deleted TAI"). A TAC of all zeros read from a USIM also marks a deleted TAI (same clause).
 */
export const TAC_DELETED: readonly number[] = [0xff, 0xff, 0xfe];

/**
 * EF 5GS3GPPLOCI content after REGISTRATION REJECT #3/#6/#7 (TS 24.501 5.5.1.3.5: "set the 5GS
 * update status to 5U3 ROAMING NOT ALLOWED … delete any 5G-GUTI, last visited registered TAI"):
 * 5G-GUTI 'FF'×13, the TAI marked deleted (PLMN kept from `from`, else 'FFFFFF'), status 02.
 */
export function rejectedLoci(from: Loci | null): Loci {
  return { guti: null, tai: { plmn: from ? from.tai.plmn.slice() : Uint8Array.of(0xff, 0xff, 0xff), tac: Uint8Array.from(TAC_DELETED) }, updateStatus: UPDATE_STATUS.roamingNotAllowed };
}

/** True when the TAI is marked deleted (TAC 'FFFFFE', or all zeros as read from a USIM; TS 24.501 9.11.3.8). */
export function taiDeleted(tai: Loci['tai']): boolean {
  const t = tai.tac;
  return (t[0] === 0xff && t[1] === 0xff && t[2] === 0xfe) || (t[0] === 0 && t[1] === 0 && t[2] === 0);
}

/** The SAIP default content `FF×16 ‖ 00 00 00 ‖ 01`: no GUTI, PLMN FFFFFF, TAC 000000, not updated. */
export function encodeDefaultLoci(): Uint8Array {
  return encodeLoci({ guti: null, tai: { plmn: new Uint8Array([0xff, 0xff, 0xff]), tac: new Uint8Array(3) }, updateStatus: 1 });
}

/** Decode EF 5GS3GPPLOCI / EF 5GSN3GPPLOCI (TS 31.102 4.4.11.2). Total; reserved update status → invalid. */
export function decodeLoci(ef: Uint8Array): Decoded<Loci> {
  const nb = notBytes(ef);
  if (nb) return { valid: false, reason: nb };
  if (ef.length !== LOCI_SIZE) return { valid: false, reason: `file must be ${LOCI_SIZE} bytes, got ${ef.length}` };
  const status = ef[19];
  if (status > 2) return { valid: false, reason: `5GS update status ${hex2(status)} is reserved` };
  const guti = ef.subarray(0, 13).every((x) => x === 0xff) ? null : ef.slice(0, 13);
  return { valid: true, guti, tai: { plmn: ef.slice(13, 16), tac: ef.slice(16, 19) }, updateStatus: status as UpdateStatus };
}
