/**
 * What the SS reads back, decoded here from the bytes (not with the project's own decoders): the
 * EF 5GS3GPPNSC record (TS 31.102 4.4.11.4 BER-TLV, tags 80–85), EF 5GS3GPPLOCI (4.4.11.2), the
 * SUCI the UE must send (TS 24.501 9.11.3.4, null scheme of TS 33.501 6.12.2) and the IEs of the
 * uplink messages.
 */
import { SUBSCRIBER } from '../scenarios/setup.js';

export interface NscRecord { ksi: number; kamf: Uint8Array | null; ul: number | null; dl: number | null; algs: number | null; epsAlgs: number | null }

/** EF 5GS3GPPNSC record: KSI = tag 80 bits b3–b1 (7 = "no key is available", the record is not valid). */
export function parseNsc(rec: Uint8Array | null): NscRecord | null {
  if (!rec || rec[0] !== 0xa0) return null;
  const out: NscRecord = { ksi: 7, kamf: null, ul: null, dl: null, algs: null, epsAlgs: null };
  const end = 2 + rec[1];
  for (let i = 2; i + 2 <= end;) {
    const t = rec[i], l = rec[i + 1], v = rec.subarray(i + 2, i + 2 + l);
    const u32 = () => ((v[0] << 24) | (v[1] << 16) | (v[2] << 8) | v[3]) >>> 0;
    if (t === 0x80) out.ksi = v[0] & 7;
    else if (t === 0x81) out.kamf = v.slice();
    else if (t === 0x82) out.ul = u32();
    else if (t === 0x83) out.dl = u32();
    else if (t === 0x84) out.algs = v[0];
    else if (t === 0x85) out.epsAlgs = v[0];
    i += 2 + l;
  }
  return out;
}

export interface LociRecord { guti: Uint8Array | null; tai: Uint8Array; status: number }
/** EF 5GS3GPPLOCI: bytes 1–13 the 5G-GUTI (all 'FF' = none), 14–19 the last visited TAI, 20 the status. */
export function parseLoci(b: Uint8Array | null): LociRecord | null {
  if (!b || b.length < 20) return null;
  const g = b.subarray(0, 13);
  return { guti: g.every((x) => x === 0xff) ? null : g.slice(), tai: b.slice(13, 19), status: b[19] };
}

/** The SUCI of the subscriber with the null scheme, as a 5GS mobile identity value (9.11.3.4):
 *  type 001 / SUPI format IMSI, MCC 001 MNC 01, routing indicator 0, scheme 0, key id 0, MSIN BCD. */
export function expectedSuci(): Uint8Array {
  const msin = SUBSCRIBER.supi.slice(3 + SUBSCRIBER.mnc.length);
  const bcd: number[] = [];
  for (let i = 0; i < msin.length; i += 2) bcd.push((i + 1 < msin.length ? Number(msin[i + 1]) << 4 : 0xf0) | Number(msin[i]));
  return Uint8Array.of(0x01, 0x00, 0xf1, 0x10, 0xf0, 0xff, 0x00, 0x00, ...bcd);
}

/** The 5GS mobile identity of a REGISTRATION REQUEST / DEREGISTRATION REQUEST (LV-E at octet 5). */
export function mobileIdentity(plain: Uint8Array): Uint8Array { const l = (plain[4] << 8) | plain[5]; return plain.slice(6, 6 + l); }
/** The identity of an IDENTITY RESPONSE (LV-E at octet 4). */
export function identityOf(plain: Uint8Array): Uint8Array { const l = (plain[3] << 8) | plain[4]; return plain.slice(5, 5 + l); }

/** IEs of SECURITY MODE COMPLETE (TS 24.501 8.2.26): IMEISV (77) and NAS message container (71), both TLV-E. */
export function smcCompleteIes(plain: Uint8Array): { imeisv: Uint8Array | null; container: Uint8Array | null } {
  let imeisv: Uint8Array | null = null, container: Uint8Array | null = null;
  for (let i = 3; i + 3 <= plain.length;) {
    const l = (plain[i + 1] << 8) | plain[i + 2], v = plain.slice(i + 3, i + 3 + l);
    if (plain[i] === 0x77) imeisv = v; else if (plain[i] === 0x71) container = v;
    i += 3 + l;
  }
  return { imeisv, container };
}

/** The IMEISV the test UE is configured with (BCD 4 ‖ 5 … per 9.11.3.4, type 101): the PIXIT value. */
export const PIXIT_IMEISV = Uint8Array.of(0x45, 0x53, 0x01, 0x20, 0x00, 0x00, 0x00, 0x10, 0xf2);
