// Wireshark's NAS-5GS dissector (tshark) as an outside decoder of every 5GMM message of the
// conformance runs, both directions: each must decode with no malformed packet and no expert
// warning or error, and the message type tshark reads must be the one the SS meant. Protected
// messages are decoded up to what tshark can read without keys (header, MAC, SQN; the inner
// message when only integrity protected). Without tshark the suite says so and skips; with CI set
// it fails instead (.ci/run installs Debian's tshark), as tests/encodings/wireshark.test.ts does.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TEST_PURPOSES, runTp } from '../../host/conformance/index.js';
import { SystemSimulator } from '../../host/conformance/ss.js';
import { toHex } from '../helpers.js';

const TSHARK = spawnSync('tshark', ['-v'], { encoding: 'utf8' }).status === 0;
const IN_CI = !!process.env.CI;
const SEVERITY_WARNING = 6291456;

/** Every message of every runnable test purpose, with the id of its test purpose. */
function collect(): { tp: string; hex: string }[] {
  const out = new Map<string, string>();
  class Recording extends SystemSimulator {}
  for (const tp of TEST_PURPOSES) {
    if (tp.scope === 'OUT') continue;
    const ss = new Recording();
    const r = runTp(tp, ss);
    expect(r.verdict, `${tp.id}: ${r.detail}`).toBe('pass');
    for (const m of [...ss.uplink, ...ss.downlink]) if (!out.has(toHex(m))) out.set(toHex(m), tp.id);
  }
  return [...out].map(([hex, tp]) => ({ tp, hex }));
}

function pcap(msgs: string[]): Buffer {
  const parts = [Buffer.from([0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 147, 0, 0, 0])];
  for (const h of msgs) {
    const b = Buffer.from(h, 'hex'), rec = Buffer.alloc(16);
    rec.writeUInt32LE(b.length, 8); rec.writeUInt32LE(b.length, 12);
    parts.push(rec, b);
  }
  return Buffer.concat(parts);
}

describe.skipIf(!TSHARK && !IN_CI)('tshark decodes every message of the conformance runs (NAS-5GS dissector)', () => {
  it('no malformed packet, no expert warning/error, the message type the SS sent or expected', () => {
    expect(TSHARK, 'CI is set but tshark is not installed (.ci/run installs Debian\'s tshark)').toBe(true);
    const msgs = collect();
    expect(msgs.length).toBeGreaterThan(50);
    const dir = mkdtempSync(join(tmpdir(), 'ue-keys-conf-ws-'));
    try {
      const file = join(dir, 'conformance.pcap');
      writeFileSync(file, pcap(msgs.map((m) => m.hex)));
      const fields = ['frame.number', '_ws.expert.severity', '_ws.expert.message', '_ws.malformed', 'nas_5gs.mm.message_type', 'nas_5gs.security_header_type'];
      const r = spawnSync('tshark', ['-r', file, '-o', 'uat:user_dlts:"User 0 (DLT=147)","nas-5gs","0","","0",""',
        '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=|', '-E', 'separator=/t', ...fields.flatMap((f) => ['-e', f])], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      expect(r.status, r.stderr).toBe(0);
      const rows = r.stdout.split('\n').filter((l) => l.length > 0).map((l) => l.split('\t'));
      expect(rows).toHaveLength(msgs.length);
      rows.forEach((cells, i) => {
        const m = msgs[i], what = `${m.tp}: ${m.hex}`;
        const severities = (cells[1] ?? '').split('|').filter(Boolean).map(Number);
        expect(cells[3] ?? '', `${what} malformed`).toBe('');
        expect(severities.filter((s) => s >= SEVERITY_WARNING), `${what}: ${cells[2]}`).toEqual([]);
        const sht = Number(m.hex.slice(3, 4));
        // the message type tshark reads: the plain one, or the inner one of an integrity-only message
        const inner = sht === 0 ? m.hex.slice(4, 6) : sht === 1 || sht === 3 ? m.hex.slice(18, 20) : null;
        if (inner) expect((cells[4] ?? '').split('|').map((x) => Number(x).toString(16).padStart(2, '0')), what).toContain(inner);
      });
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
});

describe.skipIf(TSHARK || IN_CI)('tshark missing', () => {
  it.skip('tshark is not installed: the Wireshark decode of the conformance messages is SKIPPED (apt-get install tshark; CI fails instead)', () => {});
});
