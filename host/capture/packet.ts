/**
 * From a captured frame to the NGAP PDUs (or raw NAS-5GS messages) it carries: link layer
 * (Ethernet with VLAN tags, Linux cooked v1/v2, raw IP, BSD loopback/null), IPv4 (no fragments) and
 * IPv6 (extension headers walked), SCTP DATA chunks (several per packet; RFC 9260 3.3.1). NGAP is
 * PPID 60 or port 38412 (TS 38.412 7). Also NAS-5GS in a USER0 capture or an exported-PDU capture
 * tagged `nas-5gs`. Anything else is a note naming what was not understood.
 */
import { LINKTYPE } from './pcap-write.js';

export const NGAP_PPID = 60;
export const NGAP_PORT = 38412;

export interface NgapPayload { kind: 'ngap'; data: Uint8Array; src: string; dst: string; srcPort: number; dstPort: number; stream: number; tsn: number }
export interface NasPayload { kind: 'nas'; data: Uint8Array }
export type Payload = NgapPayload | NasPayload;
export interface Decoded { payloads: Payload[]; note?: string }

const ETH_IPV4 = 0x0800, ETH_IPV6 = 0x86dd;

export function decodeFrame(linkType: number, d: Uint8Array): Decoded {
  const v = new DataView(d.buffer, d.byteOffset, d.byteLength);
  const need = (n: number, what: string) => { if (d.length < n) throw new Error(`${what} truncated`); };
  try {
    switch (linkType) {
      case LINKTYPE.ETHERNET: {
        need(14, 'Ethernet header');
        let off = 12, type = v.getUint16(12);
        while (type === 0x8100 || type === 0x88a8) { off += 4; need(off + 2, 'VLAN tag'); type = v.getUint16(off); }
        return ip(type, d.subarray(off + 2));
      }
      case LINKTYPE.LINUX_SLL: need(16, 'Linux cooked header'); return ip(v.getUint16(14), d.subarray(16));
      case LINKTYPE.LINUX_SLL2: need(20, 'Linux cooked v2 header'); return ip(v.getUint16(0), d.subarray(20));
      case LINKTYPE.RAW: case 12: case 14: { need(1, 'IP header'); return ip(d[0] >> 4 === 6 ? ETH_IPV6 : ETH_IPV4, d); }
      case LINKTYPE.IPV4: return ip(ETH_IPV4, d);
      case LINKTYPE.IPV6: return ip(ETH_IPV6, d);
      case LINKTYPE.NULL: case LINKTYPE.LOOP: {
        need(4, 'loopback header');
        // the address family in host (NULL) or network (LOOP) order: 2 = IPv4; 24/28/30 = IPv6 (BSDs, macOS)
        const af = linkType === LINKTYPE.LOOP ? v.getUint32(0) : (v.getUint32(0, true) < 256 ? v.getUint32(0, true) : v.getUint32(0));
        if (af === 2) return ip(ETH_IPV4, d.subarray(4));
        if (af === 24 || af === 28 || af === 30 || af === 10) return ip(ETH_IPV6, d.subarray(4));
        return { payloads: [], note: `loopback address family ${af} is not IP` };
      }
      case LINKTYPE.USER0: return { payloads: [{ kind: 'nas', data: d }] };
      case LINKTYPE.WIRESHARK_UPPER_PDU: return exportedPdu(d);
      default: return { payloads: [], note: `link type ${linkType} is not supported (Ethernet, Linux cooked v1/v2, raw IP, loopback, USER0, exported PDU)` };
    }
  } catch (e) { return { payloads: [], note: (e as Error).message }; }
}

function ip(ethType: number, d: Uint8Array): Decoded {
  const v = new DataView(d.buffer, d.byteOffset, d.byteLength);
  if (ethType === ETH_IPV4) {
    if (d.length < 20 || d[0] >> 4 !== 4) return { payloads: [], note: 'not an IPv4 packet' };
    const ihl = (d[0] & 15) * 4, total = Math.min(v.getUint16(2), d.length);
    if ((v.getUint16(6) & 0x3fff) !== 0) return { payloads: [], note: 'IPv4 fragment (reassembly not supported)' };
    if (d[9] !== 132) return { payloads: [] };  // not SCTP: not for us, silently
    const a = (o: number) => `${d[o]}.${d[o + 1]}.${d[o + 2]}.${d[o + 3]}`;
    return sctp(d.subarray(ihl, total), a(12), a(16));
  }
  if (ethType === ETH_IPV6) {
    if (d.length < 40 || d[0] >> 4 !== 6) return { payloads: [], note: 'not an IPv6 packet' };
    let next = d[6], off = 40;
    const end = Math.min(40 + v.getUint16(4), d.length);
    while ([0, 43, 60, 51].includes(next)) { // hop-by-hop, routing, destination options, AH
      if (off + 2 > end) return { payloads: [], note: 'IPv6 extension header truncated' };
      const len = next === 51 ? (d[off + 1] + 2) * 4 : (d[off + 1] + 1) * 8;
      next = d[off]; off += len;
    }
    if (next === 44) return { payloads: [], note: 'IPv6 fragment (reassembly not supported)' };
    if (next !== 132) return { payloads: [] };
    const a = (o: number) => Array.from({ length: 8 }, (_, i) => v.getUint16(o + 2 * i).toString(16)).join(':');
    return sctp(d.subarray(off, end), a(8), a(24));
  }
  return { payloads: [] }; // ARP, other ethertypes: not for us
}

function sctp(d: Uint8Array, src: string, dst: string): Decoded {
  if (d.length < 12) return { payloads: [], note: 'SCTP common header truncated' };
  const v = new DataView(d.buffer, d.byteOffset, d.byteLength);
  const srcPort = v.getUint16(0), dstPort = v.getUint16(2);
  const payloads: Payload[] = [];
  let note: string | undefined;
  for (let off = 12; off + 4 <= d.length;) {
    const type = d[off], flags = d[off + 1], len = v.getUint16(off + 2);
    if (len < 4 || off + len > d.length) { note = `SCTP chunk at offset ${off} has length ${len} beyond the packet`; break; }
    if (type === 0) {
      if (len < 16) { note = 'SCTP DATA chunk shorter than its header'; break; }
      const tsn = v.getUint32(off + 4), stream = v.getUint16(off + 8), ppid = v.getUint32(off + 12);
      if ((flags & 3) !== 3) note = `SCTP DATA chunk TSN ${tsn} is a fragment (reassembly not supported)`;
      else if (ppid === NGAP_PPID || ((ppid === 0) && (srcPort === NGAP_PORT || dstPort === NGAP_PORT)))
        payloads.push({ kind: 'ngap', data: d.subarray(off + 16, off + len), src, dst, srcPort, dstPort, stream, tsn });
    }
    off += len + ((4 - (len % 4)) % 4);
  }
  return { payloads, note };
}

/** Exported PDU (link type 252): tags until the end tag; `nas-5gs` dissector name → a NAS message. */
function exportedPdu(d: Uint8Array): Decoded {
  const v = new DataView(d.buffer, d.byteOffset, d.byteLength);
  let name = '', off = 0;
  for (;;) {
    if (off + 4 > d.length) return { payloads: [], note: 'exported PDU tags truncated' };
    const tag = v.getUint16(off), len = v.getUint16(off + 2);
    off += 4;
    if (tag === 0) break;
    if (tag === 12 || tag === 1) name = Buffer.from(d.subarray(off, off + len)).toString('latin1').replace(/\0+$/, '');
    off += len;
  }
  if (name === 'nas-5gs') return { payloads: [{ kind: 'nas', data: d.subarray(off) }] };
  if (name === 'ngap') return { payloads: [{ kind: 'ngap', data: d.subarray(off), src: '', dst: '', srcPort: 0, dstPort: 0, stream: 0, tsn: 0 }] };
  return { payloads: [] };
}
