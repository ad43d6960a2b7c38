/**
 * Building N2 frames: NGAP in one SCTP DATA chunk (PPID 60, port 38412; RFC 9260 with the CRC32c
 * checksum), in IPv4 (header checksum) or IPv6, in Ethernet II. Association set-up (INIT…) is not
 * written: Wireshark dissects DATA chunks without it.
 */
import { crc32c } from './crc32c.js';
import { NGAP_PORT, NGAP_PPID } from './packet.js';

export interface SctpChunk { stream: number; tsn: number; data: Uint8Array; ppid?: number }

/** One SCTP packet with one or more DATA chunks (B and E flags set: unfragmented). */
export function sctpPacket(srcPort: number, dstPort: number, vtag: number, chunks: SctpChunk[]): Uint8Array {
  const parts: number[] = [];
  for (const ch of chunks) {
    const len = 16 + ch.data.length;
    const c = Buffer.alloc(len + ((4 - (len % 4)) % 4));
    c[0] = 0; c[1] = 0x03; c.writeUInt16BE(len, 2);
    c.writeUInt32BE(ch.tsn >>> 0, 4); c.writeUInt16BE(ch.stream, 8); c.writeUInt16BE(0, 10); c.writeUInt32BE(ch.ppid ?? NGAP_PPID, 12);
    c.set(ch.data, 16);
    parts.push(...c);
  }
  const p = Buffer.alloc(12 + parts.length);
  p.writeUInt16BE(srcPort, 0); p.writeUInt16BE(dstPort, 2); p.writeUInt32BE(vtag >>> 0, 4);
  p.set(parts, 12);
  // RFC 9260 Appendix A: CRC32c over the packet with the checksum field zero, stored little-endian
  p.writeUInt32LE(crc32c(p), 8);
  return p;
}

export function ipv4Packet(src: Uint8Array, dst: Uint8Array, proto: number, payload: Uint8Array, id = 0): Uint8Array {
  const h = Buffer.alloc(20);
  h[0] = 0x45; h.writeUInt16BE(20 + payload.length, 2); h.writeUInt16BE(id & 0xffff, 4); h.writeUInt16BE(0x4000, 6); // DF
  h[8] = 64; h[9] = proto; h.set(src, 12); h.set(dst, 16);
  let sum = 0;
  for (let i = 0; i < 20; i += 2) sum += h.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
  h.writeUInt16BE(~sum & 0xffff, 10);
  return Buffer.concat([h, payload]);
}

export function ipv6Packet(src: Uint8Array, dst: Uint8Array, proto: number, payload: Uint8Array): Uint8Array {
  const h = Buffer.alloc(40);
  h[0] = 0x60; h.writeUInt16BE(payload.length, 4); h[6] = proto; h[7] = 64; h.set(src, 8); h.set(dst, 24);
  return Buffer.concat([h, payload]);
}

export function ethernet(dstMac: Uint8Array, srcMac: Uint8Array, ethType: number, payload: Uint8Array): Uint8Array {
  const h = Buffer.alloc(14);
  h.set(dstMac, 0); h.set(srcMac, 6); h.writeUInt16BE(ethType, 12);
  return Buffer.concat([h, payload]);
}

export const ipv4 = (s: string) => Uint8Array.from(s.split('.').map(Number));
export const mac = (last: number) => Uint8Array.of(0x02, 0x00, 0x00, 0x00, 0x00, last);

/** One N2 node: its IPv4 address and MAC. */
export interface Node { ip: string; mac: number }

/** An N2 frame over Ethernet/IPv4/SCTP from `from` to `to`, one DATA chunk per NGAP PDU. */
export function n2Frame(from: Node, to: Node, fromGnb: boolean, chunks: SctpChunk[], vtag: number, ipId = 0): Uint8Array {
  const sctp = sctpPacket(fromGnb ? NGAP_PORT + 1000 : NGAP_PORT, fromGnb ? NGAP_PORT : NGAP_PORT + 1000, vtag, chunks);
  return ethernet(mac(to.mac), mac(from.mac), 0x0800, ipv4Packet(ipv4(from.ip), ipv4(to.ip), 132, sctp, ipId));
}
