/**
 * Classic pcap writer (the libpcap format: 24-octet file header, 16-octet record headers, microsecond
 * times, little-endian). Frames are appended to a file descriptor one at a time, so a writer of any
 * number of frames holds one frame in memory.
 */
import { closeSync, openSync, writeSync } from 'node:fs';

export const LINKTYPE = { NULL: 0, ETHERNET: 1, RAW: 101, LOOP: 108, LINUX_SLL: 113, USER0: 147, WIRESHARK_UPPER_PDU: 252, LINUX_SLL2: 276, IPV4: 228, IPV6: 229 } as const;

export function pcapHeader(linkType: number, snaplen = 262144): Uint8Array {
  const b = Buffer.alloc(24);
  b.writeUInt32LE(0xa1b2c3d4, 0);
  b.writeUInt16LE(2, 4); b.writeUInt16LE(4, 6);       // version 2.4
  b.writeUInt32LE(snaplen, 16); b.writeUInt32LE(linkType, 20);
  return b;
}

/** One record: time in microseconds since the epoch. */
export function pcapRecord(timeUs: number, data: Uint8Array, origLen = data.length): Uint8Array {
  const b = Buffer.alloc(16 + data.length);
  b.writeUInt32LE(Math.floor(timeUs / 1e6), 0);
  b.writeUInt32LE(Math.round(timeUs % 1e6), 4);
  b.writeUInt32LE(data.length, 8); b.writeUInt32LE(origLen, 12);
  b.set(data, 16);
  return b;
}

export class PcapWriter {
  private fd: number;
  frames = 0;
  constructor(path: string, linkType: number) {
    this.fd = openSync(path, 'w');
    writeSync(this.fd, pcapHeader(linkType));
  }
  write(timeUs: number, data: Uint8Array): void { writeSync(this.fd, pcapRecord(timeUs, data)); this.frames++; }
  close(): void { closeSync(this.fd); }
}

/** A whole pcap file in memory (tests and small captures). */
export function pcapBytes(linkType: number, frames: Array<{ timeUs: number; data: Uint8Array }>): Uint8Array {
  return Buffer.concat([pcapHeader(linkType), ...frames.map((f) => pcapRecord(f.timeUs, f.data))]);
}

/** A pcapng file in memory: one Section Header Block, one Interface Description Block per
 *  interface (link type, microsecond resolution), Enhanced Packet Blocks (pcapng draft,
 *  draft-ietf-opsawg-pcapng). Used by the tests for several interfaces in one capture. */
export function pcapngBytes(interfaces: number[], frames: Array<{ iface: number; timeUs: number; data: Uint8Array }>): Uint8Array {
  const block = (type: number, body: Buffer) => {
    const len = 12 + body.length;
    const b = Buffer.alloc(len);
    b.writeUInt32LE(type, 0); b.writeUInt32LE(len, 4); body.copy(b, 8); b.writeUInt32LE(len, len - 4);
    return b;
  };
  const pad4 = (d: Uint8Array) => Buffer.concat([Buffer.from(d), Buffer.alloc((4 - (d.length % 4)) % 4)]);
  const shb = Buffer.alloc(16);
  shb.writeUInt32LE(0x1a2b3c4d, 0); shb.writeUInt16LE(1, 4); shb.writeUInt16LE(0, 6); shb.writeBigInt64LE(-1n, 8);
  const out: Buffer[] = [block(0x0a0d0d0a, shb)];
  for (const lt of interfaces) { const idb = Buffer.alloc(8); idb.writeUInt16LE(lt, 0); idb.writeUInt32LE(262144, 4); out.push(block(1, idb)); }
  for (const f of frames) {
    const h = Buffer.alloc(20);
    const ts = BigInt(Math.round(f.timeUs));
    h.writeUInt32LE(f.iface, 0); h.writeUInt32LE(Number(ts >> 32n), 4); h.writeUInt32LE(Number(ts & 0xffffffffn), 8);
    h.writeUInt32LE(f.data.length, 12); h.writeUInt32LE(f.data.length, 16);
    out.push(block(6, Buffer.concat([h, pad4(f.data)])));
  }
  return Buffer.concat(out);
}
