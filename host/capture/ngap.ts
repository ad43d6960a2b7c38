/**
 * A minimal NGAP (TS 38.413) ALIGNED PER codec (ITU-T X.691) for the messages that carry NAS: it
 * builds InitialUEMessage, UplinkNASTransport, DownlinkNASTransport and UEContextReleaseCommand/
 * Complete (HandoverRequired/Request: ngap-handover.ts), and walks any NGAP-PDU for its RAN-UE-NGAP-ID,
 * AMF-UE-NGAP-ID (also inside UE-NGAP-IDs), NAS-PDU(s) and NASC. Other IEs are
 * skipped by their open-type length, so a message with IEs this walker does not know still yields
 * its NAS. Procedure codes and IE ids are those of TS 38.413 9.4.7 (NGAP-Constants).
 */

export const PROC = {
  DownlinkNASTransport: 4, HandoverPreparation: 12, HandoverResourceAllocation: 13, InitialContextSetup: 14,
  InitialUEMessage: 15, PDUSessionResourceModify: 26, PDUSessionResourceRelease: 28, PDUSessionResourceSetup: 29,
  UEContextRelease: 41, UplinkNASTransport: 46, NASNonDeliveryIndication: 11, RerouteNASRequest: 36,
} as const;
export const PROC_NAMES: Record<number, string> = Object.fromEntries(Object.entries(PROC).map(([k, v]) => [v, k]));
export const IE = {
  AMF_UE_NGAP_ID: 10, NASC: 37, NAS_PDU: 38, RAN_UE_NGAP_ID: 85, RRCEstablishmentCause: 90, UserLocationInformation: 121,
  PDUSessionResourceSetupListSUReq: 74, PDUSessionResourceSetupListCxtReq: 71, PDUSessionResourceModifyListModReq: 64,
  UE_NGAP_IDs: 114, Cause: 15,
} as const;
export const CRIT = { reject: 0, ignore: 1, notify: 2 } as const;

// ---- encoding ----

/** APER length determinant for an unconstrained length (X.691 11.9.4.1; < 16384 octets). */
export function lengthDet(n: number): number[] {
  if (n < 128) return [n];
  if (n < 16384) return [0x80 | (n >> 8), n & 0xff];
  throw new Error(`NGAP open type of ${n} octets needs fragmentation (not supported)`);
}
/** INTEGER (0..2^32-1) and (0..2^40-1): octet count in 2 or 3 bits, then the octets (X.691 11.5.7.4). */
export function bigUint(v: number, lenBits: 2 | 3): number[] {
  const bytes: number[] = [];
  let x = v;
  do { bytes.unshift(x % 256); x = Math.floor(x / 256); } while (x > 0);
  return [(bytes.length - 1) << (8 - lenBits), ...bytes];
}
export const ie = (id: number, crit: number, value: number[] | Uint8Array) => [id >> 8, id & 0xff, crit << 6, ...lengthDet(value.length), ...value];
export const octetString = (b: Uint8Array) => [...lengthDet(b.length), ...b];

/** NGAP-PDU initiatingMessage (choice 0) with procedureCode, criticality and the open-type value
 *  SEQUENCE { protocolIEs, ... } (extension bit 0, IE count in 16 bits). */
export function initiating(proc: number, crit: number, ies: number[][]): Uint8Array {
  const value = [0x00, ies.length >> 8, ies.length & 0xff, ...ies.flat()];
  return Uint8Array.from([0x00, proc, crit << 6, ...lengthDet(value.length), ...value]);
}

export interface Cell { plmn: Uint8Array; nrCellId: bigint; tac: number }
export const DEFAULT_CELL: Cell = { plmn: Uint8Array.of(0x00, 0xf1, 0x10), nrCellId: 0x000000010n, tac: 1 };

/** UserLocationInformation CHOICE index 1 (userLocationInformationNR) { nR-CGI, tAI } without the
 *  optional timeStamp. Bits: choice 01, ext 0, 2 optional flags 00, NR-CGI ext 0 + optional 0, pad;
 *  PLMN (3 octets); NRCellIdentity (36 bits), TAI ext 0 + optional 0, pad; PLMN; TAC (3 octets). */
export function userLocationNr(c: Cell): number[] {
  const id = c.nrCellId & 0xfffffffffn;
  const cellBits = (id << 4n); // 36 bits then the TAI's two flag bits (0) and 2 padding bits
  const cell = Array.from({ length: 5 }, (_, i) => Number((cellBits >> BigInt(32 - 8 * i)) & 0xffn));
  return [0x40, ...c.plmn, ...cell, ...c.plmn, (c.tac >> 16) & 0xff, (c.tac >> 8) & 0xff, c.tac & 0xff];
}

export function initialUeMessage(ranUeId: number, nas: Uint8Array, cell = DEFAULT_CELL): Uint8Array {
  return initiating(PROC.InitialUEMessage, CRIT.ignore, [
    ie(IE.RAN_UE_NGAP_ID, CRIT.reject, bigUint(ranUeId, 2)),
    ie(IE.NAS_PDU, CRIT.reject, octetString(nas)),
    ie(IE.UserLocationInformation, CRIT.reject, userLocationNr(cell)),
    ie(IE.RRCEstablishmentCause, CRIT.ignore, [0x18]), // ext 0, mo-Signalling (3) in 4 bits
  ]);
}
export function uplinkNasTransport(amfUeId: number, ranUeId: number, nas: Uint8Array, cell = DEFAULT_CELL): Uint8Array {
  return initiating(PROC.UplinkNASTransport, CRIT.ignore, [
    ie(IE.AMF_UE_NGAP_ID, CRIT.reject, bigUint(amfUeId, 3)),
    ie(IE.RAN_UE_NGAP_ID, CRIT.reject, bigUint(ranUeId, 2)),
    ie(IE.NAS_PDU, CRIT.reject, octetString(nas)),
    ie(IE.UserLocationInformation, CRIT.ignore, userLocationNr(cell)),
  ]);
}
export function downlinkNasTransport(amfUeId: number, ranUeId: number, nas: Uint8Array): Uint8Array {
  return initiating(PROC.DownlinkNASTransport, CRIT.ignore, [
    ie(IE.AMF_UE_NGAP_ID, CRIT.reject, bigUint(amfUeId, 3)),
    ie(IE.RAN_UE_NGAP_ID, CRIT.reject, bigUint(ranUeId, 2)),
    ie(IE.NAS_PDU, CRIT.reject, octetString(nas)),
  ]);
}

/** Cause (TS 38.413 9.3.1.2) CHOICE index 2 (nas) with CauseNas normal-release: 3 choice bits 010,
 *  the enumeration's extension bit 0 and its root index 0 in 2 bits, padded — the cause an AMF gives
 *  when it releases the N1/N2 connection of a UE at the end of a procedure (TS 23.502 4.2.6). */
const CAUSE_NAS_NORMAL_RELEASE = [0x40];

/** UE-NGAP-IDs (TS 38.413 9.3.3.x, IE 114): CHOICE { uE-NGAP-ID-pair, aMF-UE-NGAP-ID,
 *  choice-Extensions } — no extension marker, so a 2-bit index. The pair is a SEQUENCE with an
 *  extension bit and one optional-field bit (iE-Extensions, absent); then AMF-UE-NGAP-ID
 *  (0..2^40−1: octet count − 1 in 3 bits, octets aligned) and RAN-UE-NGAP-ID (0..2^32−1: 2 bits). */
function ueNgapIds(amfUeId: number, ranUeId?: number): number[] {
  const [amfLen, ...amfOctets] = bigUint(amfUeId, 3);
  if (ranUeId === undefined) return [0x40 | (amfLen >> 2), ...amfOctets]; // 01, then the 3 length bits
  return [amfLen >> 4, ...amfOctets, ...bigUint(ranUeId, 2)];              // 00 0 0, then the 3 length bits
}

/** UEContextReleaseCommand (AMF → gNB, TS 38.413 9.2.2.5): UE NGAP IDs (the pair, or the
 *  AMF-UE-NGAP-ID only) and Cause (nas: normal-release). */
export function ueContextReleaseCommand(amfUeId: number, ranUeId?: number): Uint8Array {
  return initiating(PROC.UEContextRelease, CRIT.reject, [
    ie(IE.UE_NGAP_IDs, CRIT.reject, ueNgapIds(amfUeId, ranUeId)),
    ie(IE.Cause, CRIT.ignore, CAUSE_NAS_NORMAL_RELEASE),
  ]);
}
/** UEContextReleaseComplete (gNB → AMF, TS 38.413 9.2.2.6): successfulOutcome with the two ids. */
export function ueContextReleaseComplete(amfUeId: number, ranUeId: number): Uint8Array {
  const ies = [ie(IE.AMF_UE_NGAP_ID, CRIT.ignore, bigUint(amfUeId, 3)), ie(IE.RAN_UE_NGAP_ID, CRIT.ignore, bigUint(ranUeId, 2))];
  const value = [0x00, 0x00, ies.length, ...ies.flat()];
  return Uint8Array.from([0x20, PROC.UEContextRelease, CRIT.reject << 6, ...lengthDet(value.length), ...value]);
}

/** PDUSessionResourceSetupRequest (TS 38.413 9.2.1.1) with one PDUSessionResourceSetupItemSUReq
 *  carrying a NAS-PDU (a 5GSM message in a DL NAS TRANSPORT): pDUSessionID, the NAS-PDU, S-NSSAI
 *  (SST only) and an empty PDUSessionResourceSetupRequestTransfer. For hand-made test captures. */
export function pduSessionResourceSetupRequest(amfUeId: number, ranUeId: number, pduSessionId: number, nas: Uint8Array, sst = 1): Uint8Array {
  // item: ext 0, NAS-PDU present 1, iE-Extensions 0, pad; pDUSessionID; NAS-PDU;
  // S-NSSAI: ext 0, sD 0, iE-Extensions 0, sST (8 bits, not aligned), pad; transfer (open: 3 octets, no IEs)
  const item = [0x40, pduSessionId & 0xff, ...octetString(nas), (sst >> 3) & 0x1f, (sst << 5) & 0xe0, 3, 0x00, 0x00, 0x00];
  return initiating(PROC.PDUSessionResourceSetup, CRIT.reject, [
    ie(IE.AMF_UE_NGAP_ID, CRIT.reject, bigUint(amfUeId, 3)),
    ie(IE.RAN_UE_NGAP_ID, CRIT.reject, bigUint(ranUeId, 2)),
    ie(IE.PDUSessionResourceSetupListSUReq, CRIT.reject, [0x00, ...item]),
  ]);
}

// ---- walking ----

export interface NgapSummary {
  pdu: 'initiatingMessage' | 'successfulOutcome' | 'unsuccessfulOutcome';
  procedureCode: number;
  ranUeId?: number;
  amfUeId?: number;
  nasPdus: Uint8Array[];
  nasc?: Uint8Array;
}

class Cursor {
  constructor(public d: Uint8Array, public o = 0) {}
  byte(): number { if (this.o >= this.d.length) throw new Error('NGAP message truncated'); return this.d[this.o++]; }
  bytes(n: number): Uint8Array { if (this.o + n > this.d.length) throw new Error('NGAP message truncated'); const b = this.d.subarray(this.o, this.o + n); this.o += n; return b; }
  length(): number {
    const b = this.byte();
    if (b < 0x80) return b;
    if (b < 0xc0) return ((b & 0x3f) << 8) | this.byte();
    throw new Error('NGAP fragmented length (16K octets or more) not supported');
  }
}

function readBigUint(v: Uint8Array, lenBits: 2 | 3): number {
  const n = (v[0] >> (8 - lenBits)) + 1;
  if (v.length < 1 + n) throw new Error('NGAP id truncated');
  let x = 0;
  for (let i = 0; i < n; i++) x = x * 256 + v[1 + i];
  return x;
}

/** The NAS-carrying fields of one NGAP-PDU; throws (a one-line reason) on what it cannot walk. */
export function walkNgap(d: Uint8Array): NgapSummary {
  const c = new Cursor(d);
  const h = c.byte();
  if (h & 0x80) throw new Error('NGAP-PDU choice extension not supported');
  const kind = (h >> 5) & 3;
  if (kind > 2) throw new Error(`NGAP-PDU choice ${kind} is not valid`);
  const procedureCode = c.byte();
  c.byte(); // criticality
  const len = c.length();
  const body = new Cursor(c.bytes(len));
  const out: NgapSummary = { pdu: (['initiatingMessage', 'successfulOutcome', 'unsuccessfulOutcome'] as const)[kind], procedureCode, nasPdus: [] };
  if (body.byte() & 0x80) throw new Error('NGAP message extension not supported');
  const count = (body.byte() << 8) | body.byte();
  for (let i = 0; i < count; i++) {
    const id = (body.byte() << 8) | body.byte();
    body.byte();
    const v = body.bytes(body.length());
    if (id === IE.RAN_UE_NGAP_ID) out.ranUeId = readBigUint(v, 2);
    else if (id === IE.AMF_UE_NGAP_ID) out.amfUeId = readBigUint(v, 3);
    else if (id === IE.NAS_PDU) { const vc = new Cursor(v); out.nasPdus.push(vc.bytes(vc.length())); }
    else if (id === IE.NASC) { const vc = new Cursor(v); out.nasc = vc.bytes(vc.length()); }
    else if (id === IE.UE_NGAP_IDs) Object.assign(out, readUeNgapIds(v));
    else if (id === IE.PDUSessionResourceSetupListSUReq || id === IE.PDUSessionResourceSetupListCxtReq) out.nasPdus.push(...sessionListNas(v));
  }
  return out;
}

/** UE-NGAP-IDs (see ueNgapIds): the pair or the AMF-UE-NGAP-ID alone; a choice extension throws. */
function readUeNgapIds(v: Uint8Array): { amfUeId: number; ranUeId?: number } {
  if (v.length < 2) throw new Error('UE-NGAP-IDs truncated');
  const choice = v[0] >> 6;
  if (choice === 1) return { amfUeId: readBigUint(Uint8Array.of((v[0] << 2) & 0xe0, ...v.subarray(1, 7)), 3) };
  if (choice !== 0) throw new Error(`UE-NGAP-IDs choice ${choice} (an extension) not supported`);
  if (v[0] & 0x20) throw new Error('UE-NGAP-ID-pair extension not supported');
  const n = ((v[0] >> 1) & 7) + 1;
  const amfUeId = readBigUint(Uint8Array.of(v[0] << 4 & 0xe0, ...v.subarray(1, 1 + n)), 3);
  return { amfUeId, ranUeId: readBigUint(v.subarray(1 + n), 2) };
}

/** PDUSessionResourceSetupListSUReq / …CxtReq (TS 38.413 9.3.1.x): SEQUENCE (SIZE(1..256)) OF items
 *  whose root starts with the extension bit, the optional-field flags (NAS-PDU first), padding and
 *  pDUSessionID (0..255, one octet), then the NAS-PDU when its flag is set. The rest of an item
 *  (S-NSSAI, transfer) is not walked, so only the first item's NAS-PDU is read. */
function sessionListNas(v: Uint8Array): Uint8Array[] {
  const c = new Cursor(v);
  c.byte();                      // item count − 1
  const flags = c.byte();
  c.byte();                      // pDUSessionID
  return flags & 0x40 ? [c.bytes(c.length())] : [];
}
