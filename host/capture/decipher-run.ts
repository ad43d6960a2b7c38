/**
 * `ue-keys decipher` over a capture file: read (streaming), decode each frame to its NGAP PDUs,
 * walk them for NAS-PDUs and UE NGAP ids (a UEContextRelease ends a connection: its ids may be
 * reused by another UE), hand each NAS message to the Decipherer, and write the
 * plain messages as an exported-PDU capture (link type 252, dissector `nas-5gs`, original frame
 * number and time kept), which stock Wireshark decodes without any preference.
 */
import { Decipherer, type DecipherOptions, type NasReport } from './decipher.js';
import { readCapture } from './pcap-read.js';
import { decodeFrame, type NgapPayload } from './packet.js';
import { PROC, walkNgap } from './ngap.js';
import { LINKTYPE, PcapWriter } from './pcap-write.js';

/** Exported PDU tags (Wireshark epan/exported_pdu.h): 12 dissector name, 30 original frame number,
 *  0 end of options. Tag values are padded to 4 octets. */
export function exportedPdu(dissector: string, origFrame: number, pdu: Uint8Array): Uint8Array {
  const name = Buffer.from(dissector, 'latin1');
  const padded = Buffer.concat([name, Buffer.alloc((4 - (name.length % 4)) % 4)]);
  const h = Buffer.alloc(4 + padded.length + 8 + 4);
  let o = 0;
  h.writeUInt16BE(12, o); h.writeUInt16BE(padded.length, o + 2); padded.copy(h, o + 4); o += 4 + padded.length;
  h.writeUInt16BE(30, o); h.writeUInt16BE(4, o + 2); h.writeUInt32BE(origFrame, o + 4); o += 8;
  h.writeUInt16BE(0, o); h.writeUInt16BE(0, o + 2);
  return Buffer.concat([h, pdu]);
}

const UPLINK = new Set<number>([PROC.InitialUEMessage, PROC.UplinkNASTransport, PROC.HandoverPreparation]);

export interface FrameNote { frame: number; note: string }

export interface DecipherRun {
  decipherer: Decipherer;
  /** Called for each NAS message in capture order. */
  onReport?: (r: NasReport) => void;
  onNote?: (n: FrameNote) => void;
  onProgress?: (frames: number, offset: number) => void;
}

export function decipherCapture(path: string, o: DecipherOptions, cb: Omit<DecipherRun, 'decipherer'> & { outPath?: string }): { d: Decipherer; framesRead: number } {
  const d = new Decipherer(o);
  const out = cb.outPath ? new PcapWriter(cb.outPath, LINKTYPE.WIRESHARK_UPPER_PDU) : null;
  let framesRead = 0;
  let pendingHandover: ReturnType<Decipherer['ueFor']> | null = null;
  const note = (frame: number, text: string) => { d.summary.frameNotes++; cb.onNote?.({ frame, note: text }); };
  const emit = (r: NasReport, timeUs: number, plain: Uint8Array | null) => {
    cb.onReport?.(r);
    if (out && plain && plain.length >= 3 && plain[0] === 0x7e) out.write(timeUs, exportedPdu('nas-5gs', r.frame, plain));
  };
  try {
    for (const ev of readCapture(path)) {
      if (ev.kind === 'note') { note(ev.frame, ev.text); continue; }
      const rec = ev.record;
      framesRead++;
      d.summary.frames = framesRead;
      if (cb.onProgress && framesRead % 2048 === 0) cb.onProgress(framesRead, rec.offset);
      const dec = decodeFrame(rec.linkType, rec.data);
      if (dec.note) note(rec.frame, dec.note);
      for (const p of dec.payloads) {
        if (p.kind === 'nas') {
          // a bare NAS-5GS message (USER0 or exported PDU): one UE, direction from the message type
          const ue = d.ueFor('bare', null);
          const dir = isUplinkType(p.data) ? 'UL' : 'DL';
          const r = d.nas(rec.frame, ue, dir, p.data);
          emit(r, rec.timeUs, r.plain ? Buffer.from(r.plain, 'hex') : null);
          continue;
        }
        let s;
        try { s = walkNgap(p.data); } catch (e) { note(rec.frame, `NGAP: ${(e as Error).message}`); continue; }
        // UEContextReleaseComplete is the gNB's answer (successfulOutcome, gNB → AMF)
        const release = s.procedureCode === PROC.UEContextRelease && s.pdu !== 'unsuccessfulOutcome';
        const ul = s.pdu === 'initiatingMessage' ? UPLINK.has(s.procedureCode) : release;
        const { gnb, amf } = ends(p, ul);
        if (release) { d.release(gnb, amf, s.amfUeId, s.ranUeId); continue; }
        if (s.nasPdus.length === 0 && !s.nasc) {
          if (s.procedureCode === PROC.HandoverPreparation && s.pdu === 'initiatingMessage' && s.ranUeId !== undefined) pendingHandover = d.ueFor(`${gnb}|${amf}|${s.ranUeId}`, null);
          continue;
        }
        if (s.pdu === 'initiatingMessage' && s.procedureCode === PROC.NASNonDeliveryIndication) continue; // a DL message the gNB could not deliver: already seen
        if (s.ranUeId === undefined && !s.nasc) { note(rec.frame, 'NGAP message with a NAS-PDU but no RAN-UE-NGAP-ID: skipped'); continue; }
        const conn = `${gnb}|${amf}|${s.ranUeId}`;
        const amfConn = s.amfUeId !== undefined ? `${amf}|amf|${s.amfUeId}` : undefined;
        if (s.nasc) {
          const ue = (amfConn && d.knows(amfConn)) ? d.ueFor(amfConn, null) : pendingHandover;
          if (!ue) { note(rec.frame, 'NASC with no handover of a known UE before it: skipped'); continue; }
          if (amfConn) d.ueFor(amfConn, null, undefined, undefined, ue);
          const r = d.nasc(rec.frame, ue, s.nasc);
          cb.onReport?.(r);
          pendingHandover = null;
        }
        for (const nas of s.nasPdus) {
          const ue = d.ueFor(conn, s.procedureCode === PROC.InitialUEMessage ? visiblePlain(nas) : null, s.amfUeId, amfConn);
          const r = d.nas(rec.frame, ue, ul ? 'UL' : 'DL', nas);
          emit(r, rec.timeUs, r.plain ? Buffer.from(r.plain, 'hex') : null);
        }
      }
    }
  } finally { out?.close(); }
  return { d, framesRead };
}

function ends(p: NgapPayload, ul: boolean): { gnb: string; amf: string } {
  return ul ? { gnb: p.src, amf: p.dst } : { gnb: p.dst, amf: p.src };
}

/** 5GMM messages the UE sends (TS 24.501 8.2): for captures without NGAP (USER0, exported PDU). */
function isUplinkType(m: Uint8Array): boolean {
  const t = (m[1] & 15) === 0 ? m[2] : (m[1] & 15) === 1 || (m[1] & 15) === 3 ? m[9] : -1;
  if (t === -1) return (m[1] & 15) === 4; // ciphered: SHT 4 is the SMC COMPLETE's (uplink); SHT 2 unknown → downlink
  return [0x41, 0x43, 0x45, 0x48, 0x4c, 0x55, 0x57, 0x59, 0x5c, 0x5e, 0x5f, 0x64, 0x66, 0x67].includes(t);
}

/** The plain 5GMM message a REGISTRATION/SERVICE REQUEST shows: itself (SHT 0) or the integrity
 *  protected message after the 7-octet security header (SHT 1). */
function visiblePlain(m: Uint8Array): Uint8Array {
  const sht = m.length > 1 ? m[1] & 15 : -1;
  return sht === 1 && m.length > 9 ? m.subarray(7) : m;
}
