// The capture reader against the file formats as libpcap and the pcapng draft define them
// (draft-ietf-opsawg-pcapng): classic pcap in big-endian with nanosecond times (magic a1b23c4d),
// pcapng with if_tsresol (option 9) and a second section, a Simple Packet Block; and the
// CRC32c of RFC 9260 Appendix B (its test vector: 32 octets of zero → 0x8A9136AA).
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCapture, type CaptureRecord } from '../../host/capture/pcap-read.js';
import { crc32c } from '../../host/capture/crc32c.js';
import { tempDir } from './helpers.js';

const records = (path: string) => [...readCapture(path)].filter((e) => e.kind === 'record').map((e) => (e as { record: CaptureRecord }).record);

describe('pcap / pcapng reader', () => {
  it('classic pcap, big-endian, nanosecond resolution: times in µs, link type, data', () => {
    const t = tempDir();
    try {
      const h = Buffer.alloc(24); h.writeUInt32BE(0xa1b23c4d, 0); h.writeUInt16BE(2, 4); h.writeUInt16BE(4, 6); h.writeUInt32BE(65535, 16); h.writeUInt32BE(101, 20);
      const r = Buffer.alloc(16); r.writeUInt32BE(1_700_000_000, 0); r.writeUInt32BE(123_456_789, 4); r.writeUInt32BE(3, 8); r.writeUInt32BE(3, 12);
      const f = join(t.dir, 'be.pcap');
      writeFileSync(f, Buffer.concat([h, r, Buffer.from([1, 2, 3])]));
      const [x] = records(f);
      expect(x).toMatchObject({ frame: 1, linkType: 101, iface: 0 });
      expect(x.timeUs).toBeCloseTo(1_700_000_000_123_456.789, 0);
      expect([...x.data]).toEqual([1, 2, 3]);
    } finally { t.done(); }
  });

  it('pcapng: if_tsresol 10^-9 on interface 1, a Simple Packet Block on interface 0, a second section restarting the interface list', () => {
    const t = tempDir();
    try {
      const block = (type: number, body: Buffer) => { const len = 12 + body.length; const b = Buffer.alloc(len); b.writeUInt32LE(type, 0); b.writeUInt32LE(len, 4); body.copy(b, 8); b.writeUInt32LE(len, len - 4); return b; };
      const shb = () => { const b = Buffer.alloc(16); b.writeUInt32LE(0x1a2b3c4d, 0); b.writeUInt16LE(1, 4); b.writeBigInt64LE(-1n, 8); return block(0x0a0d0d0a, b); };
      const idb = (lt: number, tsresol?: number) => {
        const b = Buffer.alloc(8 + (tsresol === undefined ? 0 : 12)); b.writeUInt16LE(lt, 0); b.writeUInt32LE(0, 4);
        if (tsresol !== undefined) { b.writeUInt16LE(9, 8); b.writeUInt16LE(1, 10); b[12] = tsresol; /* then end of options: zero */ }
        return block(1, b);
      };
      const epb = (iface: number, ts: bigint, data: number[]) => { const b = Buffer.alloc(20 + 4); b.writeUInt32LE(iface, 0); b.writeUInt32LE(Number(ts >> 32n), 4); b.writeUInt32LE(Number(ts & 0xffffffffn), 8); b.writeUInt32LE(data.length, 12); b.writeUInt32LE(data.length, 16); Buffer.from(data).copy(b, 20); return block(6, b); };
      const spb = (data: number[]) => { const b = Buffer.alloc(4 + 4); b.writeUInt32LE(data.length, 0); Buffer.from(data).copy(b, 4); return block(3, b); };
      const f = join(t.dir, 'x.pcapng');
      writeFileSync(f, Buffer.concat([shb(), idb(1), idb(101, 9), epb(1, 1_500_000_000n, [7]), spb([8, 9]), shb(), idb(113), epb(0, 2_000_000n, [5])]));
      const [a, b, c] = records(f);
      expect(a).toMatchObject({ frame: 1, linkType: 101, iface: 1, timeUs: 1_500_000 });
      expect(b).toMatchObject({ frame: 2, linkType: 1, iface: 0 });
      expect([...b.data]).toEqual([8, 9]);
      expect(c).toMatchObject({ frame: 3, linkType: 113, timeUs: 2_000_000 });
    } finally { t.done(); }
  });

  it('CRC32c: RFC 9260 Appendix B / RFC 3720 B.4 check values', () => {
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
  });
});
