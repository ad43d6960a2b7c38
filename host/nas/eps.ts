/**
 * EPS NAS (TS 24.301) for the 5GS → EPS idle mobility: the plain TRACKING AREA UPDATE REQUEST
 * (8.2.29) and the EPS security protected NAS message framing (9.1, 9.3.1): octet 1 = security
 * header type ‖ protocol discriminator 7 (EPS mobility management), NAS-MAC (4 octets), sequence
 * number (1 octet), then the plain NAS message. The NAS-MAC covers the sequence number and the
 * plain message (9.5), the same input as a 5GS message's MAC.
 */
import { InputError } from '../errors.js';

/** Protocol discriminator: EPS mobility management messages (TS 24.007 11.2.3.1.1). */
export const PD_EMM = 0x07;
/** EPS security header type 1: integrity protected (TS 24.301 9.3.1). */
export const EPS_SHT_INTEGRITY = 1;
export const EPS_MT = { TRACKING_AREA_UPDATE_REQUEST: 0x48 } as const;
/** NAS key set identifier (9.9.3.21) bit 4: type of security context flag, 1 = mapped. */
export const EPS_TSC_MAPPED = 0x08;
/** EPS update type (9.9.3.14) "TA updating". */
export const EPS_UPDATE_TA = 0;

/**
 * Plain TRACKING AREA UPDATE REQUEST (TS 24.301 8.2.29): header 0x07, message type 0x48, NAS key
 * set identifier (high half octet) ‖ EPS update type (low), old GUTI as an EPS mobile identity
 * (LV), and Old GUTI type (IEI 0xE-, 9.9.3.45) = "mapped GUTI" (value 1) when the old GUTI was
 * mapped from a 5G-GUTI (TS 24.301 5.5.3.2.2, TS 23.003 2.10.2.1.2).
 */
export function tauRequest(a: { ksi: number; oldGuti: Uint8Array; mappedGuti: boolean; updateType?: number }): Uint8Array {
  if (a.oldGuti.length !== 11 || (a.oldGuti[0] & 7) !== 6) throw new InputError('oldGuti', 'must be an 11-octet EPS mobile identity of type GUTI', a.oldGuti);
  return Uint8Array.of(PD_EMM, EPS_MT.TRACKING_AREA_UPDATE_REQUEST, ((a.ksi & 0x0f) << 4) | ((a.updateType ?? EPS_UPDATE_TA) & 7),
    a.oldGuti.length, ...a.oldGuti, ...(a.mappedGuti ? [0xe1] : []));
}

/** Fields of a plain TRACKING AREA UPDATE REQUEST. */
export function parseTauRequest(p: Uint8Array): { ksi: number; updateType: number; oldGuti: Uint8Array; mappedGuti: boolean } {
  if (p.length < 15 || p[0] !== PD_EMM || p[1] !== EPS_MT.TRACKING_AREA_UPDATE_REQUEST || p[3] !== 11) throw new InputError('message', 'is not a plain EPS TRACKING AREA UPDATE REQUEST', p);
  return { ksi: p[2] >> 4, updateType: p[2] & 7, oldGuti: p.slice(4, 15), mappedGuti: p.slice(15).includes(0xe1) };
}

/** An EPS security protected NAS message (TS 24.301 9.1): `sht` ‖ PD 7, MAC, SQN, plain message. */
export function epsProtected(sht: number, mac: Uint8Array, sqn: number, plain: Uint8Array): Uint8Array {
  if (mac.length !== 4) throw new InputError('mac', `must be 4 bytes, got ${mac.length}`, mac);
  return Uint8Array.of(((sht & 0x0f) << 4) | PD_EMM, ...mac, sqn & 0xff, ...plain);
}

/** The parts of an EPS security protected NAS message; null if it is not one. */
export function parseEpsProtected(m: Uint8Array): { sht: number; mac: Uint8Array; sqn: number; plain: Uint8Array } | null {
  if (m.length < 7 || (m[0] & 0x0f) !== PD_EMM || (m[0] >> 4) === 0) return null;
  return { sht: m[0] >> 4, mac: m.slice(1, 5), sqn: m[5], plain: m.slice(6) };
}
