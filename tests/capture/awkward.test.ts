// Hand-made captures for the awkward cases of issue 13. The messages come from the network model
// (host/network, node:crypto 128-NIA2/NEA2 — not the firmware the decipherer uses) after a real
// initial registration (5G AKA, SMC) of the sample UE; the expected COUNTs are the ones the
// network model used, the expected plain texts the ones it protected. Each case reshapes the
// capture: pcapng with several interfaces and link types, IPv6, two UEs interleaved, two DATA
// chunks in one SCTP packet, a lost message (COUNT gap), an SQN wrap (COUNT past 255), a
// retransmission (duplicate COUNT), a corrupted MAC.
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decipher, tempDir } from './helpers.js';
import { tapScenario } from '../../host/capture/scenario-tap.js';
import { toN2Messages } from '../../host/capture/scenario-capture.js';
import { n2Frames, type N2Message } from '../../host/capture/n2-capture.js';
import { pcapBytes, pcapngBytes, LINKTYPE } from '../../host/capture/pcap-write.js';
import { decodeFrame } from '../../host/capture/packet.js';
import { ethernet, ipv6Packet, mac, n2Frame } from '../../host/capture/n2-build.js';
import { pduSessionResourceSetupRequest } from '../../host/capture/ngap.js';
import { spawnSync } from 'node:child_process';
import { World, guti, withSubscriber } from '../../host/scenarios/setup.js';
import { Amf } from '../../host/network/amf.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
/** CONFIGURATION UPDATE COMMAND with no optional IE (TS 24.501 8.2.19): a valid downlink 5GMM message. */
const CUC = Uint8Array.of(0x7e, 0x00, 0x54);

/** A registered UE and `n` downlink messages its AMF protects (SHT 2) after the registration. */
function registeredUe(seed: number, n: number, supi?: string): { messages: N2Message[]; dl: Array<{ message: Uint8Array; count: number }> } {
  return withSubscriber({ supi }, () => {
    let dl: Array<{ message: Uint8Array; count: number }> = [];
    const { messages } = tapScenario(() => {
      const w = new World(seed);
      const amf = new Amf('AMF', w.trace);
      const g = guti(1, seed);
      w.initialRegistration(amf, g);
      const nas = amf.find(g)!.nas;
      dl = Array.from({ length: n }, () => nas.protectDownlink(2, CUC));
    });
    return { messages: [...toN2Messages(messages), ...dl.map((d) => ({ dir: 'dl' as const, amf: 'AMF', nas: d.message }))], dl };
  });
}

function capture(frames: Array<{ timeUs: number; data: Uint8Array }>, dir: string, name = 'c.pcap'): string {
  const f = join(dir, name);
  writeFileSync(f, pcapBytes(LINKTYPE.ETHERNET, frames));
  return f;
}

describe('decipher: hand-made captures', () => {
  it('SQN wrap: 300 downlink messages after the SMC — COUNT counts past 255 (overflow + 1, TS 24.501 4.4.3.1), every MAC verified, every plain text the network protected', () => {
    const t = tempDir();
    try {
      const { messages, dl } = registeredUe(1, 300);
      const { reports } = decipher(capture(n2Frames(messages), t.dir));
      const tail = reports.slice(-300);
      expect(tail.map((r) => r.count)).toEqual(dl.map((d) => d.count));
      expect(Math.max(...dl.map((d) => d.count))).toBeGreaterThan(255);
      expect(tail.every((r) => r.mac === 'verified' && r.plain === hex(CUC) && !r.notes)).toBe(true);
    } finally { t.done(); }
  });

  it('a lost message: the COUNT gap is reported and the next message still verifies with its true COUNT', () => {
    const t = tempDir();
    try {
      const { messages, dl } = registeredUe(2, 5);
      const lost = messages.length - 3; // the third of the five
      const { reports } = decipher(capture(n2Frames(messages.filter((_, i) => i !== lost)), t.dir));
      const after = reports[reports.length - 2];
      expect(after.count).toBe(dl[3].count);
      expect(after.mac).toBe('verified');
      expect(after.notes).toEqual([`DL COUNT gap: 1 message(s) missing before COUNT ${dl[3].count}`]);
    } finally { t.done(); }
  });

  it('a retransmitted message: the duplicate COUNT is flagged, not fatal; the message after it verifies', () => {
    const t = tempDir();
    try {
      const { messages, dl } = registeredUe(3, 3);
      const i = messages.length - 2;
      const withDup = [...messages.slice(0, i + 1), messages[i], ...messages.slice(i + 1)];
      const { reports } = decipher(capture(n2Frames(withDup), t.dir));
      const [first, dup, next] = reports.slice(-3);
      expect(first.count).toBe(dl[1].count);
      expect(dup.count).toBe(dl[1].count);
      expect(dup.notes).toEqual([`duplicate DL COUNT ${dl[1].count}: retransmission or replay`]);
      expect(next.count).toBe(dl[2].count);
      expect([first.mac, dup.mac, next.mac]).toEqual(['verified', 'verified', 'verified']);
    } finally { t.done(); }
  });

  it('a corrupted MAC: reported failed, the payload still deciphered', () => {
    const t = tempDir();
    try {
      const { messages } = registeredUe(4, 2);
      const last = messages[messages.length - 1];
      const bad = Uint8Array.from(last.nas); bad[3] ^= 0x40;
      const { reports, summary } = decipher(capture(n2Frames([...messages.slice(0, -1), { ...last, nas: bad }]), t.dir));
      const r = reports[reports.length - 1];
      expect(r.mac).toBe('failed');
      expect(r.plain).toBe(hex(CUC));
      expect(summary.failed).toBe(1);
    } finally { t.done(); }
  });

  it('a message whose MAC fails does not move the COUNT (TS 24.501 4.4.3.1: the estimate is taken into use only for a message that passes the integrity check): a forged SQN 0x05 after DL COUNT 240 leaves COUNT 241 verifiable', () => {
    const t = tempDir();
    try {
      const { messages, dl } = registeredUe(5, 241);
      const tail = messages.length - 3; // the messages of DL COUNT 240, 241, 242
      expect(dl.slice(-3).map((d) => d.count)).toEqual([240, 241, 242]);
      // a copy of COUNT 240's message with its sequence number set to 0x05: it would be COUNT 0x105
      const forged = Uint8Array.from(messages[tail].nas); forged[6] = 0x05;
      const { reports } = decipher(capture(n2Frames([...messages.slice(0, tail + 1), { ...messages[tail], nas: forged }, ...messages.slice(tail + 1)]), t.dir));
      const last = reports.slice(-3);
      expect(last.map((r) => r.mac)).toEqual(['failed', 'verified', 'verified']);
      expect(last.slice(1).map((r) => r.count)).toEqual([241, 242]);
    } finally { t.done(); }
  });

  it('an SMC that keeps the KAMF and changes the algorithms continues its NAS COUNTs (they belong to the KAMF, TS 33.501 6.4.5): the SMC at DL COUNT 260 verifies', () => {
    const t = tempDir();
    try {
      let smc: Uint8Array = new Uint8Array(0);
      const { messages, dl } = registeredUe(6, 258);
      withSubscriber({}, () => {
        // the same registration again (same seed: same keys and COUNTs), then the AMF's second SMC
        tapScenario(() => {
          const w = new World(6);
          const amf = new Amf('AMF', w.trace);
          const g = guti(1, 6);
          w.initialRegistration(amf, g);
          const nas = amf.find(g)!.nas;
          for (let i = 0; i < 258; i++) nas.protectDownlink(2, CUC);
          const next = nas.clone(); next.nea = 0; // same KAMF and KNASint (128-NIA2), 128-NEA0 selected
          smc = w.securityModeCommand(amf, next);
        });
      });
      expect(dl[dl.length - 1].count).toBe(259);
      const { reports } = decipher(capture(n2Frames([...messages, { dir: 'dl', amf: 'AMF', nas: smc }]), t.dir));
      const r = reports[reports.length - 1];
      expect(r.messageType).toMatch(/SECURITY MODE COMMAND/);
      expect(r.count).toBe(260);
      expect(r.mac).toBe('verified');
    } finally { t.done(); }
  });

  it('two UEs interleaved (two gNBs, two SUPIs, one K): each tracked by its NGAP ids, every MAC verified', () => {
    const t = tempDir();
    try {
      const a = n2Frames(registeredUe(5, 4).messages);
      const b = n2Frames(registeredUe(6, 4, '001010000000002').messages, undefined, { gnb: { ip: '10.0.0.2', mac: 2 }, ranBase: 1, amfIdBase: 1 });
      const mixed = a.flatMap((f, i) => [f, b[i]]).filter(Boolean).map((f, i) => ({ ...f, timeUs: 1e12 + i * 1000 }));
      const { reports, summary } = decipher(capture(mixed, t.dir));
      expect(summary.ues).toBe(2);
      expect(reports.filter((r) => r.mac !== null).every((r) => r.mac === 'verified')).toBe(true);
      expect(reports.filter((r) => r.ue === 1).length).toBe(reports.filter((r) => r.ue === 2).length);
      expect(summary.akaRuns).toBe(2);
    } finally { t.done(); }
  });

  it('one SCTP packet with two DATA chunks (RFC 9260 3.3.1): both NAS messages deciphered from the one frame', () => {
    const t = tempDir();
    try {
      const frames = n2Frames(registeredUe(7, 2).messages);
      const [x, y] = frames.slice(-2);
      const px = decodeFrame(LINKTYPE.ETHERNET, x.data).payloads[0], py = decodeFrame(LINKTYPE.ETHERNET, y.data).payloads[0];
      if (px.kind !== 'ngap' || py.kind !== 'ngap') throw new Error('not NGAP');
      const both = n2Frame({ ip: px.src, mac: 0x10 }, { ip: px.dst, mac: 1 }, false, [{ stream: 1, tsn: px.tsn, data: px.data }, { stream: 1, tsn: py.tsn, data: py.data }], 0x1001);
      const { reports } = decipher(capture([...frames.slice(0, -2), { timeUs: x.timeUs, data: both }], t.dir));
      const last2 = reports.slice(-2);
      expect(last2.map((r) => r.frame)).toEqual([frames.length - 1, frames.length - 1]);
      expect(last2.map((r) => r.mac)).toEqual(['verified', 'verified']);
    } finally { t.done(); }
  });

  it('a NAS-PDU inside a PDUSessionResourceSetupRequest item (TS 38.413 9.2.1.1): found by the walker, verified; tshark sees the same PDU session and NAS message', () => {
    const t = tempDir();
    try {
      const frames = n2Frames(registeredUe(9, 1).messages);
      const last = frames[frames.length - 1];
      const p = decodeFrame(LINKTYPE.ETHERNET, last.data).payloads[0];
      if (p.kind !== 'ngap') throw new Error('not NGAP');
      const dlNas = registeredUe(9, 1).dl[0].message; // the same seed: the same keys and message
      const m = pduSessionResourceSetupRequest(last.amfUeId!, last.ranUeId, 5, dlNas);
      const f = capture([...frames.slice(0, -1), { timeUs: last.timeUs, data: n2Frame({ ip: p.src, mac: 0x10 }, { ip: p.dst, mac: 1 }, false, [{ stream: 1, tsn: p.tsn, data: m }], 0x1001) }], t.dir);
      const r = decipher(f).reports.at(-1)!;
      expect(r).toMatchObject({ frame: frames.length, direction: 'DL', mac: 'verified', plain: hex(CUC) });
      if (spawnSync('tshark', ['-v']).status === 0 || process.env.CI) {
        const ts = spawnSync('tshark', ['-r', f, '-Y', `frame.number == ${frames.length}`, '-T', 'fields', '-e', 'ngap.procedureCode', '-e', 'ngap.pDUSessionID', '-e', 'nas_5gs.security_header_type', '-e', '_ws.expert.severity', '-e', '_ws.malformed'], { encoding: 'utf8' });
        expect(ts.stdout.replace(/\n$/, '').split('\t')).toEqual(['29', '5', '2', '', '']); // no expert info, not malformed
      }
    } finally { t.done(); }
  });

  it('pcapng with five interfaces (Ethernet, raw IPv4, Linux cooked v1 and v2, BSD loopback) and IPv6: the same messages, COUNTs and verdicts as the plain pcap', () => {
    const t = tempDir();
    try {
      const frames = n2Frames(registeredUe(8, 3).messages);
      const want = decipher(capture(frames, t.dir)).reports.map((r) => [r.count, r.mac, r.plain]);
      const ip = (d: Uint8Array) => d.subarray(14);
      const sll1 = (d: Uint8Array) => { const h = Buffer.alloc(16); h.writeUInt16BE(0, 0); h.writeUInt16BE(1, 2); h.writeUInt16BE(6, 4); h.writeUInt16BE(0x0800, 14); return Buffer.concat([h, ip(d)]); };
      const sll2 = (d: Uint8Array) => { const h = Buffer.alloc(20); h.writeUInt16BE(0x0800, 0); h.writeUInt32BE(2, 4); h.writeUInt16BE(1, 8); h[11] = 6; return Buffer.concat([h, ip(d)]); };
      const loop = (d: Uint8Array) => { const h = Buffer.alloc(4); h.writeUInt32LE(2, 0); return Buffer.concat([h, ip(d)]); };
      const shapes = [(d: Uint8Array) => d, ip, sll1, sll2, loop];
      const ng = pcapngBytes([LINKTYPE.ETHERNET, LINKTYPE.RAW, LINKTYPE.LINUX_SLL, LINKTYPE.LINUX_SLL2, LINKTYPE.NULL],
        frames.map((f, i) => ({ iface: i % 5, timeUs: f.timeUs, data: shapes[i % 5](f.data) })));
      const fng = join(t.dir, 'c.pcapng');
      writeFileSync(fng, ng);
      const got = decipher(fng);
      expect(got.reports.map((r) => [r.count, r.mac, r.plain])).toEqual(want);
      // IPv6: the same SCTP packets in IPv6 headers (next header 132)
      const v6 = frames.map((f) => {
        const d = f.data, ihl = (d[14] & 15) * 4, sctp = d.subarray(14 + ihl);
        const addr = (last: number) => Uint8Array.of(0x20, 0x01, 0x0d, 0xb8, ...new Array(11).fill(0), last);
        const fromGnb = d[14 + 14] === 0; // source 10.0.0.x (the gNB), not 10.0.1.x (an AMF)
        return { timeUs: f.timeUs, data: ethernet(mac(1), mac(2), 0x86dd, ipv6Packet(addr(fromGnb ? 1 : 0x11), addr(fromGnb ? 0x11 : 1), 132, sctp)) };
      });
      expect(decipher(capture(v6, t.dir, 'v6.pcap')).reports.map((r) => [r.count, r.mac, r.plain])).toEqual(want);
    } finally { t.done(); }
  });
});
