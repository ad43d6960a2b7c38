/**
 * A procedure's NAS messages as an N2 capture: Ethernet/IPv4/SCTP/NGAP between one gNB and the
 * AMF(s) that serve the UE, one frame per NAS message, 10 ms apart. Addresses (a modelling choice,
 * documented in README "Decipher a capture"): gNB 10.0.0.1, the first AMF 10.0.1.1 ("AMF", "source
 * AMF"), the next 10.0.1.2 ("target AMF"). Every REGISTRATION REQUEST opens a new UE-associated
 * connection (InitialUEMessage, new RAN-UE-NGAP-ID); the AMF assigns its AMF-UE-NGAP-ID in its first
 * DownlinkNASTransport; the rest go in UplinkNASTransport / DownlinkNASTransport.
 */
import { downlinkNasTransport, initialUeMessage, uplinkNasTransport } from './ngap.js';
import { n2Frame, type Node } from './n2-build.js';
import { LINKTYPE, PcapWriter } from './pcap-write.js';

export interface N2Message { dir: 'ul' | 'dl'; amf: string; nas: Uint8Array; initial?: boolean }
export interface N2Frame { timeUs: number; data: Uint8Array; ranUeId: number; amfUeId: number | null; amf: string; dir: 'ul' | 'dl' }

export const GNB: Node = { ip: '10.0.0.1', mac: 1 };
export const START_US = Date.UTC(2026, 0, 1) * 1000;   // fixed: a run with --seed gives the same capture
export const STEP_US = 10_000;

export function n2Frames(messages: N2Message[], startUs = START_US): N2Frame[] {
  const amfs = new Map<string, { node: Node; nextUeId: number; tsn: number }>();
  const tsnGnb = new Map<string, number>();
  let nextRan = 1;
  const conn = new Map<string, { ran: number; amfId: number | null }>();
  const out: N2Frame[] = [];
  messages.forEach((m, i) => {
    if (!amfs.has(m.amf)) amfs.set(m.amf, { node: { ip: `10.0.1.${amfs.size + 1}`, mac: 0x10 + amfs.size }, nextUeId: 1 + 100 * amfs.size, tsn: 1 });
    const a = amfs.get(m.amf)!;
    let c = conn.get(m.amf);
    let ngap: Uint8Array;
    if (m.dir === 'ul' && (m.initial || !c || c.amfId === null)) {
      c = { ran: nextRan++, amfId: null };
      conn.set(m.amf, c);
      ngap = initialUeMessage(c.ran, m.nas);
    } else {
      if (!c) { c = { ran: nextRan++, amfId: null }; conn.set(m.amf, c); }
      if (c.amfId === null) c.amfId = a.nextUeId++;
      ngap = m.dir === 'ul' ? uplinkNasTransport(c.amfId, c.ran, m.nas) : downlinkNasTransport(c.amfId, c.ran, m.nas);
    }
    const fromGnb = m.dir === 'ul';
    const tsn = fromGnb ? (tsnGnb.get(m.amf) ?? 1) : a.tsn;
    if (fromGnb) tsnGnb.set(m.amf, tsn + 1); else a.tsn++;
    const data = n2Frame(fromGnb ? GNB : a.node, fromGnb ? a.node : GNB, fromGnb, [{ stream: 1, tsn, data: ngap }], 0x1000 + amfs.size, i + 1);
    out.push({ timeUs: startUs + i * STEP_US, data, ranUeId: c.ran, amfUeId: c.amfId, amf: m.amf, dir: m.dir });
  });
  return out;
}

export function writeN2Capture(path: string, messages: N2Message[]): number {
  const w = new PcapWriter(path, LINKTYPE.ETHERNET);
  try { for (const f of n2Frames(messages)) w.write(f.timeUs, f.data); } finally { w.close(); }
  return messages.length;
}
