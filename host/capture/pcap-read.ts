/**
 * Streaming pcap / pcapng reader: the file is read a chunk at a time (1 MiB) through one file
 * descriptor, so memory stays flat whatever the capture size. Classic pcap in both byte orders with
 * micro- or nanosecond times; pcapng Section Header, Interface Description (link type, if_tsresol),
 * Enhanced, Simple and obsolete Packet blocks, several sections and interfaces. Other block types
 * are skipped. A truncated file ends the stream with a `truncated` note (what came before is kept).
 */
import { closeSync, openSync, readSync } from 'node:fs';

export interface CaptureRecord {
  frame: number;          // 1-based, as Wireshark numbers frames
  timeUs: number;         // microseconds since the epoch
  linkType: number;
  iface: number;
  data: Uint8Array;       // a copy: safe to keep
  /** File offset after this record (progress). */
  offset: number;
}

export class CaptureFormatError extends Error {}

/** Refills from an fd; `need(n)` guarantees n bytes at `pos` or returns false at end of file. */
class ChunkReader {
  private buf = Buffer.alloc(0);
  private pos = 0;
  offset = 0;             // file offset of buf[pos]
  private eof = false;
  constructor(private fd: number, private chunk = 1 << 20) {}
  need(n: number): boolean {
    while (this.buf.length - this.pos < n && !this.eof) {
      const more = Buffer.alloc(Math.max(this.chunk, n));
      const got = readSync(this.fd, more, 0, more.length, null);
      if (got === 0) { this.eof = true; break; }
      this.buf = Buffer.concat([this.buf.subarray(this.pos), more.subarray(0, got)]);
      this.pos = 0;
    }
    return this.buf.length - this.pos >= n;
  }
  peek(n: number): Buffer { return this.buf.subarray(this.pos, this.pos + n); }
  take(n: number): Buffer { const b = this.buf.subarray(this.pos, this.pos + n); this.pos += n; this.offset += n; return b; }
  get remaining(): number { return this.buf.length - this.pos; }
}

export type ReadEvent = { kind: 'record'; record: CaptureRecord } | { kind: 'note'; frame: number; text: string };

/** Every record of the capture at `path`, in file order; throws CaptureFormatError when the file
 *  is not a pcap/pcapng capture at all. */
export function* readCapture(path: string): Generator<ReadEvent> {
  const fd = openSync(path, 'r');
  try {
    const r = new ChunkReader(fd);
    if (!r.need(4)) throw new CaptureFormatError('is not a capture: shorter than a pcap header');
    const magic = r.peek(4).readUInt32BE(0);
    if (magic === 0x0a0d0d0a) yield* readPcapng(r);
    else if ([0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1].includes(magic)) yield* readPcap(r);
    else throw new CaptureFormatError('is not a capture: no pcap or pcapng magic number');
  } finally { closeSync(fd); }
}

function* readPcap(r: ChunkReader): Generator<ReadEvent> {
  if (!r.need(24)) throw new CaptureFormatError('is not a capture: pcap header truncated');
  const h = r.take(24);
  const be = h.readUInt32BE(0) === 0xa1b2c3d4 || h.readUInt32BE(0) === 0xa1b23c4d;
  const nano = h.readUInt32BE(0) === 0xa1b23c4d || h.readUInt32BE(0) === 0x4d3cb2a1;
  const u32 = (b: Buffer, o: number) => (be ? b.readUInt32BE(o) : b.readUInt32LE(o));
  const linkType = u32(h, 20) & 0x0fffffff;
  let frame = 0;
  while (r.need(1)) {
    frame++;
    if (!r.need(16)) { yield { kind: 'note', frame, text: `truncated record header (${r.remaining} of 16 octets): capture ends here` }; return; }
    const rh = r.take(16);
    const len = u32(rh, 8);
    if (len > 0x4000000) { yield { kind: 'note', frame, text: `record length ${len} is not plausible: capture ends here` }; return; }
    if (!r.need(len)) { yield { kind: 'note', frame, text: `truncated record (${r.remaining} of ${len} octets): capture ends here` }; return; }
    const data = new Uint8Array(r.take(len));
    yield { kind: 'record', record: { frame, timeUs: u32(rh, 0) * 1e6 + (nano ? u32(rh, 4) / 1000 : u32(rh, 4)), linkType, iface: 0, data, offset: r.offset } };
  }
}

function* readPcapng(r: ChunkReader): Generator<ReadEvent> {
  let le = true;
  let ifaces: Array<{ linkType: number; unitsPerSec: number }> = [];
  let frame = 0;
  while (r.need(1)) {
    if (!r.need(12)) { yield { kind: 'note', frame: frame + 1, text: 'truncated pcapng block header: capture ends here' }; return; }
    const head = r.peek(12);
    const type = head.readUInt32LE(0);
    if (type === 0x0a0d0d0a) {
      const bom = head.readUInt32LE(8);
      if (bom === 0x1a2b3c4d) le = true; else if (bom === 0x4d3c2b1a) le = false;
      else throw new CaptureFormatError('is not a capture: pcapng byte-order magic missing');
      ifaces = []; // a new section starts its own interface list
    }
    const u32 = (b: Buffer, o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
    const u16 = (b: Buffer, o: number) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
    const blockType = u32(head, 0), total = u32(head, 4);
    if (total < 12 || total % 4 !== 0 || total > 0x4000000) {
      if (frame === 0 && ifaces.length === 0 && blockType !== 0x0a0d0d0a) throw new CaptureFormatError('is not a capture: bad pcapng block');
      yield { kind: 'note', frame: frame + 1, text: `pcapng block length ${total} is not valid: capture ends here` }; return;
    }
    if (!r.need(total)) { yield { kind: 'note', frame: frame + 1, text: `truncated pcapng block (${r.remaining} of ${total} octets): capture ends here` }; return; }
    const b = r.take(total);
    const body = b.subarray(8, total - 4);
    if (blockType === 1) {
      const linkType = u16(body, 0);
      let unitsPerSec = 1e6;
      for (let o = 8; o + 4 <= body.length;) {      // options: if_tsresol (code 9)
        const code = u16(body, o), len = u16(body, o + 2);
        if (code === 0) break;
        if (code === 9 && len >= 1) { const v = body[o + 4]; unitsPerSec = v & 0x80 ? 2 ** (v & 0x7f) : 10 ** (v & 0x7f); }
        o += 4 + len + ((4 - (len % 4)) % 4);
      }
      ifaces.push({ linkType, unitsPerSec });
    } else if (blockType === 6 || blockType === 2 || blockType === 3) {
      frame++;
      let iface = 0, ts = 0n, cap: number, off: number;
      if (blockType === 3) { cap = Math.min(u32(body, 0), body.length - 4); off = 4; }
      else {
        iface = blockType === 6 ? u32(body, 0) : u16(body, 0);
        ts = (BigInt(u32(body, 4)) << 32n) | BigInt(u32(body, 8));
        cap = u32(body, 12); off = 20;
      }
      const ifc = ifaces[iface];
      if (!ifc) { yield { kind: 'note', frame, text: `packet names interface ${iface}, which no Interface Description Block defined: skipped` }; continue; }
      if (off + cap > body.length) { yield { kind: 'note', frame, text: 'packet block shorter than its captured length: skipped' }; continue; }
      yield { kind: 'record', record: { frame, timeUs: Number(ts) / (ifc.unitsPerSec / 1e6), linkType: ifc.linkType, iface, data: new Uint8Array(body.subarray(off, off + cap)), offset: r.offset } };
    }
  }
}
