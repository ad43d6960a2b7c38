/**
 * N2 handover preparation messages with their mandatory IEs (TS 38.413 9.2.3.1 HandoverRequired,
 * 9.2.3.4 HandoverRequest), ALIGNED PER. Only the NASC (in the request) carries anything the
 * decipherer uses; the other IEs are there so the capture is a well-formed handover that Wireshark
 * decodes, and their values are modelling choices: handover type intra5gs, cause radioNetwork
 * handover-desirable-for-radio-reason, the target gNB 1 and its cell in the capture's PLMN and TAC,
 * one PDU session (id 1, S-NSSAI SST 1) with empty transfers, UE-AMBR 1 Gbit/s each way, the UE's
 * security capabilities 128-NEA1/2/3 and 128-NIA1/2/3 (NR and E-UTRA), and the SecurityContext's
 * {NCC, NH} a PLACEHOLDER: NCC 0 and an all-zero NH (the scenarios do not model the NH chain of an
 * N2 handover, TS 33.501 6.9.2.3.3; the NH never reaches the UE, which takes its keys from the NASC).
 */
import { AperBits } from './aper.js';
import { CRIT, DEFAULT_CELL, PROC, bigUint, ie, initiating, octetString, type Cell } from './ngap.js';

/** IE ids (TS 38.413 9.4.7, NGAP-Constants). */
export const HO_IE = {
  AllowedNSSAI: 0, AMF_UE_NGAP_ID: 10, Cause: 15, GUAMI: 28, HandoverType: 29, NASC: 37, PDUSessionResourceListHORqd: 61,
  PDUSessionResourceSetupListHOReq: 73, RAN_UE_NGAP_ID: 85, SecurityContext: 93, SourceToTarget_TransparentContainer: 101,
  TargetID: 105, UEAggregateMaximumBitRate: 110, UESecurityCapabilities: 119,
} as const;

export interface HandoverTarget {
  cell: Cell;
  /** gNB-ID (22 bits) of the target gNB. */
  gnbId: number;
  /** The target AMF's GUAMI: AMF Region ID (8 bits), AMF Set ID (10 bits), AMF Pointer (6 bits). */
  guami: { region: number; set: number; pointer: number };
  pduSessionId: number;
  sst: number;
}
export const DEFAULT_TARGET: HandoverTarget = { cell: DEFAULT_CELL, gnbId: 1, guami: { region: 2, set: 1, pointer: 1 }, pduSessionId: 1, sst: 1 };

/** HandoverType ::= ENUMERATED { intra5gs, fivegs-to-eps, eps-to-5gs, ... }: extension bit, 2 bits. */
const HANDOVER_TYPE_INTRA5GS = [0x00];
/** Cause CHOICE radioNetwork (index 0 of 6: 3 bits) { CauseRadioNetwork: extension bit, root index
 *  in 6 bits } = handover-desirable-for-radio-reason (16). */
const CAUSE_HO_DESIRABLE = new AperBits().bits(0, 3).bits(0, 1).bits(16, 6).done();

function plmnTac(b: AperBits, c: Cell): AperBits {
  return b.octets(c.plmn).octets([(c.tac >> 16) & 0xff, (c.tac >> 8) & 0xff, c.tac & 0xff]);
}

/** TargetID CHOICE targetRANNodeID { GlobalRANNodeID CHOICE globalGNB-ID { PLMN, GNB-ID CHOICE
 *  gNB-ID BIT STRING (SIZE(22..32)) }, selectedTAI { PLMN, TAC } }. */
function targetId(t: HandoverTarget): number[] {
  const b = new AperBits().bits(0, 2).bits(0, 2)   // TargetID choice 0; TargetRANNodeID ext, iE-Extensions
    .bits(0, 2).bits(0, 2)                          // GlobalRANNodeID choice 0; GlobalGNB-ID ext, iE-Extensions
    .octets(t.cell.plmn)
    .bits(0, 1).bits(22 - 22, 4)                    // GNB-ID choice 0; size 22 (lower bound 22, 4 bits)
    .align().bits(t.gnbId, 22)                      // > 16 bits: octet-aligned
    .bits(0, 2);                                    // selectedTAI: ext, iE-Extensions
  return plmnTac(b, t.cell).done();
}

/** NR-CGI { PLMN, NRCellIdentity BIT STRING (SIZE(36)) } as NGRAN-CGI CHOICE nR-CGI (2 bits). */
function ngranCgi(b: AperBits, c: Cell): AperBits {
  const id = Number(c.nrCellId & 0xfffffffffn);
  return b.bits(0, 2).bits(0, 2).octets(c.plmn).align().bits(Math.floor(id / 16), 32).bits(id & 15, 4);
}

/** SourceNGRANNode-ToTargetNGRANNode-TransparentContainer (TS 38.413 9.3.1.29): rRCContainer, the
 *  target cell and a UE history of one NG-RAN cell. The RRC container is an NR RRC
 *  HandoverPreparationInformation (TS 38.331, unaligned PER) with an empty UE capability list:
 *  criticalExtensions c1 (1 bit), handoverPreparationInformation (2 bits), 4 absent optional
 *  fields, list size 0 (4 bits) = 11 bits. */
export function sourceToTargetContainer(t: HandoverTarget): number[] {
  const rrc = [0x00, 0x00];
  const b = new AperBits().bits(0, 1).bits(0, 4)   // ext; pDUSessionResourceInformationList, e-RABInformationList, indexToRFSP, iE-Extensions absent
    .octets([rrc.length, ...rrc]);                  // RRCContainer: OCTET STRING, length determinant
  ngranCgi(b, t.cell);                              // targetCell-ID
  // UEHistoryInformation: SIZE(1..16) → 4 bits; LastVisitedCellItem ext, iE-Extensions;
  // LastVisitedCellInformation CHOICE nGRANCell (3 bits); LastVisitedNGRANCellInformation ext and 3
  // optional fields (enhanced granularity, hOCauseValue, iE-Extensions) absent
  b.bits(0, 4).bits(0, 2).bits(0, 3).bits(0, 4);
  ngranCgi(b, t.cell);                              // globalCellID
  b.bits(0, 2).bits(0, 1).bits(1, 2);               // CellType ext, iE-Extensions; CellSize ext, small (1)
  b.align().bits(10, 16);                           // timeUEStayedInCell (0..4095): 2 octets aligned, 10 s
  return octetString(Uint8Array.from(b.done()));
}

/** PDUSessionResourceListHORqd: SIZE(1..256) (one octet); item { ext, iE-Extensions, pDUSessionID,
 *  handoverRequiredTransfer (HandoverRequiredTransfer: ext and two absent optional fields) }. */
function sessionsHoRqd(t: HandoverTarget): number[] {
  return [0x00, 0x00, t.pduSessionId & 0xff, 1, 0x00];
}

/** S-NSSAI { ext, sD absent, iE-Extensions absent, sST OCTET STRING (SIZE(1)): not aligned }. */
const snssai = (b: AperBits, sst: number) => b.bits(0, 3).bits(sst, 8);

/** PDUSessionResourceSetupListHOReq: item { ext, iE-Extensions, pDUSessionID, S-NSSAI,
 *  handoverRequestTransfer = PDUSessionResourceSetupRequestTransfer with no IE (3 octets) }. */
function sessionsHoReq(t: HandoverTarget): number[] {
  const b = new AperBits().bits(0, 8).bits(0, 2).align().bits(t.pduSessionId, 8);
  snssai(b, t.sst);
  return b.octets([3, 0x00, 0x00, 0x00]).done();
}

/** UEAggregateMaximumBitRate { ext, iE-Extensions, DL, UL }: BitRate INTEGER (0..4000000000000, ...)
 *  = extension bit, octet count − 1 in 3 bits, the octets aligned. */
function ueAmbr(bps: number): number[] {
  const v = bigUint(bps, 3).slice(1), b = new AperBits().bits(0, 2);
  for (let i = 0; i < 2; i++) b.bits(0, 1).bits(v.length - 1, 3).octets(v);
  return b.done();
}

/** UESecurityCapabilities: ext, iE-Extensions, then four BIT STRING (SIZE(16, ...)): extension bit
 *  and 16 bits each (first bit 128-NEA1 / 128-NIA1 / 128-EEA1 / 128-EIA1). */
function ueSecurityCapabilities(): number[] {
  const b = new AperBits().bits(0, 2);
  for (let i = 0; i < 4; i++) b.bits(0, 1).bits(0xe000, 16);
  return b.done();
}

/** SecurityContext { ext, iE-Extensions, nextHopChainingCount (0..7, 3 bits), nextHopNH
 *  BIT STRING (SIZE(256)) aligned } — the documented placeholder (see the file comment). */
export const PLACEHOLDER_NCC = 0;
export const PLACEHOLDER_NH = new Uint8Array(32);
function securityContext(): number[] {
  return new AperBits().bits(0, 2).bits(PLACEHOLDER_NCC, 3).octets(PLACEHOLDER_NH).done();
}

/** AllowedNSSAI: SIZE(1..8) (3 bits), item { ext, iE-Extensions, S-NSSAI }. */
function allowedNssai(sst: number): number[] {
  return snssai(new AperBits().bits(0, 3).bits(0, 2), sst).done();
}

/** GUAMI { ext, iE-Extensions, PLMN, AMFRegionID (8), AMFSetID (10), AMFPointer (6) }. */
function guami(t: HandoverTarget): number[] {
  return new AperBits().bits(0, 2).octets(t.cell.plmn).bits(t.guami.region, 8).bits(t.guami.set, 10).bits(t.guami.pointer, 6).done();
}

/** HandoverRequired (source gNB → source AMF, TS 38.413 9.2.3.1). */
export function handoverRequired(amfUeId: number, ranUeId: number, t = DEFAULT_TARGET): Uint8Array {
  return initiating(PROC.HandoverPreparation, CRIT.reject, [
    ie(HO_IE.AMF_UE_NGAP_ID, CRIT.reject, bigUint(amfUeId, 3)),
    ie(HO_IE.RAN_UE_NGAP_ID, CRIT.reject, bigUint(ranUeId, 2)),
    ie(HO_IE.HandoverType, CRIT.reject, HANDOVER_TYPE_INTRA5GS),
    ie(HO_IE.Cause, CRIT.ignore, CAUSE_HO_DESIRABLE),
    ie(HO_IE.TargetID, CRIT.reject, targetId(t)),
    ie(HO_IE.PDUSessionResourceListHORqd, CRIT.reject, sessionsHoRqd(t)),
    ie(HO_IE.SourceToTarget_TransparentContainer, CRIT.reject, sourceToTargetContainer(t)),
  ]);
}

/** HandoverRequest (target AMF → target gNB, TS 38.413 9.2.3.4) with the NASC (IE 37): the Intra
 *  N1 mode NAS transparent container of TS 24.501 9.11.3.70. */
export function handoverRequest(amfUeId: number, nasc: Uint8Array, t = DEFAULT_TARGET): Uint8Array {
  return initiating(PROC.HandoverResourceAllocation, CRIT.reject, [
    ie(HO_IE.AMF_UE_NGAP_ID, CRIT.reject, bigUint(amfUeId, 3)),
    ie(HO_IE.HandoverType, CRIT.reject, HANDOVER_TYPE_INTRA5GS),
    ie(HO_IE.Cause, CRIT.ignore, CAUSE_HO_DESIRABLE),
    ie(HO_IE.UEAggregateMaximumBitRate, CRIT.reject, ueAmbr(1_000_000_000)),
    ie(HO_IE.UESecurityCapabilities, CRIT.reject, ueSecurityCapabilities()),
    ie(HO_IE.SecurityContext, CRIT.reject, securityContext()),
    ie(HO_IE.NASC, CRIT.reject, octetString(nasc)),
    ie(HO_IE.PDUSessionResourceSetupListHOReq, CRIT.reject, sessionsHoReq(t)),
    ie(HO_IE.AllowedNSSAI, CRIT.reject, allowedNssai(t.sst)),
    ie(HO_IE.SourceToTarget_TransparentContainer, CRIT.reject, sourceToTargetContainer(t)),
    ie(HO_IE.GUAMI, CRIT.reject, guami(t)),
  ]);
}
