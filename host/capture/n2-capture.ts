/**
 * A procedure's NAS messages as an N2 capture: Ethernet/IPv4/SCTP/NGAP between one gNB and the
 * AMF(s) that serve the UE, one frame per NAS message, 10 ms apart. Addresses (a modelling choice,
 * documented in README "Decipher a capture"): gNB 10.0.0.1, the first AMF 10.0.1.1 ("AMF", "source
 * AMF"), the next 10.0.1.2 ("target AMF"). Every REGISTRATION REQUEST opens a new UE-associated
 * connection (InitialUEMessage, new RAN-UE-NGAP-ID); the AMF assigns its AMF-UE-NGAP-ID in its first
 * DownlinkNASTransport; the rest go in UplinkNASTransport / DownlinkNASTransport. An N2 handover's
 * NASC goes in a HandoverRequest from the target AMF, after a HandoverRequired to the source AMF.
 * The UE goes idle before each REGISTRATION REQUEST (except the one right after an N2 handover,
 * sent on the target connection) and after the last message: every connection with an
 * AMF-UE-NGAP-ID ends with a UEContextReleaseCommand and …Complete, and a completed handover
 * releases the source connection (a modelling choice: the scenarios do not say when the AMF
 * releases the N1 connection).
 */
import { downlinkNasTransport, initialUeMessage, ueContextReleaseCommand, ueContextReleaseComplete, uplinkNasTransport } from './ngap.js';
import { handoverRequest, handoverRequired } from './ngap-handover.js';
import { n2Frame, type Node } from './n2-build.js';
import { LINKTYPE, PcapWriter } from './pcap-write.js';

export interface N2Message { dir: 'ul' | 'dl'; amf: string; nas: Uint8Array; initial?: boolean; nasc?: boolean }
export interface N2Frame { timeUs: number; data: Uint8Array; ranUeId: number; amfUeId: number | null; amf: string; dir: 'ul' | 'dl' }

export const DEFAULT_GNB: Node = { ip: '10.0.0.1', mac: 1 };
export const START_US = Date.UTC(2026, 0, 1) * 1000;   // fixed: a run with --seed gives the same capture
export const STEP_US = 10_000;

/** `gnb`, `ranBase`, `amfIdBase`: another gNB and other UE ids (captures of several UEs);
 *  `releaseAtEnd`: the UE goes idle after the last message (what `run … --pcap` writes). */
export function n2Frames(messages: N2Message[], startUs = START_US, o: { gnb?: Node; ranBase?: number; amfIdBase?: number; releaseAtEnd?: boolean } = {}): N2Frame[] {
  const GNB = o.gnb ?? DEFAULT_GNB;
  const amfs = new Map<string, { node: Node; nextUeId: number; tsn: number }>();
  const tsnGnb = new Map<string, number>();
  let nextRan = o.ranBase ?? 1;
  const conn = new Map<string, { ran: number; amfId: number | null }>();
  const out: N2Frame[] = [];
  let last: string | null = null;   // the AMF of the connection used last (the source of a handover)
  let t = 0;
  const push = (from: Node, to: Node, fromGnb: boolean, amf: string, ngap: Uint8Array, c: { ran: number; amfId: number | null }) => {
    const a = amfs.get(amf)!;
    const tsn = fromGnb ? (tsnGnb.get(amf) ?? 1) : a.tsn;
    if (fromGnb) tsnGnb.set(amf, tsn + 1); else a.tsn++;
    const data = n2Frame(from, to, fromGnb, [{ stream: 1, tsn, data: ngap }], 0x1000 + [...amfs.keys()].indexOf(amf), out.length + 1);
    out.push({ timeUs: startUs + t++ * STEP_US, data, ranUeId: c.ran, amfUeId: c.amfId, amf, dir: fromGnb ? 'ul' : 'dl' });
  };
  // The UE goes idle: each AMF that assigned an AMF-UE-NGAP-ID releases its connection
  // (UEContextReleaseCommand with the id pair, TS 38.413 8.3.3; cause nas normal-release) and the
  // gNB confirms (UEContextReleaseComplete). A connection the AMF never answered has no AMF id to
  // release it by; it ends with the others.
  const releaseAll = () => {
    for (const [amf, c] of conn) {
      if (c.amfId === null) continue;
      const node = amfs.get(amf)!.node;
      push(node, GNB, false, amf, ueContextReleaseCommand(c.amfId, c.ran), c);
      push(GNB, node, true, amf, ueContextReleaseComplete(c.amfId, c.ran), c);
    }
    conn.clear();
  };
  const release = (amf: string) => {
    const c = conn.get(amf), node = amfs.get(amf)!.node;
    if (c && c.amfId !== null) {
      push(node, GNB, false, amf, ueContextReleaseCommand(c.amfId, c.ran), c);
      push(GNB, node, true, amf, ueContextReleaseComplete(c.amfId, c.ran), c);
    }
    conn.delete(amf);
  };
  let handoverFrom: string | null = null;   // the source AMF of an N2 handover not yet completed
  messages.forEach((m) => {
    if (!amfs.has(m.amf)) amfs.set(m.amf, { node: { ip: `10.0.1.${amfs.size + 1}`, mac: 0x10 + amfs.size }, nextUeId: (o.amfIdBase ?? 1) + 100 * amfs.size, tsn: 1 });
    if (m.nasc) {
      // N2 handover (TS 23.502 4.9.1.3): HandoverRequired to the source AMF, then the target AMF's
      // HandoverRequest with the NASC (TS 33.501 6.9.2.3.3); the target AMF's UE id is assigned here
      const src = last ? conn.get(last) : undefined;
      if (last && src && src.amfId !== null) push(GNB, amfs.get(last)!.node, true, last, handoverRequired(src.amfId, src.ran), src);
      const c = { ran: nextRan++, amfId: amfs.get(m.amf)!.nextUeId++ };
      conn.set(m.amf, c);
      push(amfs.get(m.amf)!.node, GNB, false, m.amf, handoverRequest(c.amfId, m.nas), c);
      handoverFrom = last && last !== m.amf ? last : null;
      last = m.amf;
      return;
    }
    // After the NASC: a message with the target AMF completes the handover (TS 23.502 4.9.1.3.3:
    // the source side's UE context is released; the UE, still connected, sends its mobility
    // REGISTRATION REQUEST in an UplinkNASTransport on the target connection); one with the source
    // AMF means the UE stayed (an aborted handover): the target connection ends with the capture
    let initial = m.initial;
    if (handoverFrom !== null) {
      if (m.amf !== handoverFrom) { release(handoverFrom); initial = false; }
      handoverFrom = null;
    }
    let c = conn.get(m.amf);
    let ngap: Uint8Array;
    if (m.dir === 'ul' && (initial || !c || c.amfId === null)) {
      // a REGISTRATION REQUEST goes in an InitialUEMessage, which an idle UE sends: the UE's
      // connections before it have ended
      if (initial) releaseAll();
      c = { ran: nextRan++, amfId: null };
      conn.set(m.amf, c);
      ngap = initialUeMessage(c.ran, m.nas);
    } else {
      if (!c) { c = { ran: nextRan++, amfId: null }; conn.set(m.amf, c); }
      if (c.amfId === null) c.amfId = amfs.get(m.amf)!.nextUeId++;
      ngap = m.dir === 'ul' ? uplinkNasTransport(c.amfId, c.ran, m.nas) : downlinkNasTransport(c.amfId, c.ran, m.nas);
    }
    const node = amfs.get(m.amf)!.node;
    if (m.dir === 'ul') push(GNB, node, true, m.amf, ngap, c); else push(node, GNB, false, m.amf, ngap, c);
    last = m.amf;
  });
  if (o.releaseAtEnd) releaseAll();
  return out;
}

export function writeN2Capture(path: string, messages: N2Message[]): number {
  const w = new PcapWriter(path, LINKTYPE.ETHERNET);
  try { for (const f of n2Frames(messages, START_US, { releaseAtEnd: true })) w.write(f.timeUs, f.data); } finally { w.close(); }
  return messages.length;
}
