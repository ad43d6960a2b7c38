// `ue-keys decipher` and `ue-keys run … --pcap` as a user meets them (the built CLI in a child
// process): --json lines, the summary, -o, and bad input per issue 13 — not a capture, a truncated
// file, an unknown link type, wrong K (every AUTN fails → one line), a message before any AKA;
// exit 2 only when nothing could be read. No key bytes in any output.
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers.js';
import { tempDir } from './helpers.js';

const K = '465b5ce8b199b49faa5f0a2ee238a6bc', OPC = 'cd63cb71954a9f4e48a5994e37a02baf';
const WRONG_K = '000102030405060708090a0b0c0d0e0f';

describe('ue-keys decipher (CLI)', () => {
  const t = tempDir();
  const cap = join(t.dir, 'm.pcap');
  const run = runCli(['run', 'mobility', '--seed', '4', '--pcap', cap]);

  it('run --pcap writes the capture and says so on stderr (stdout stays the scenario output)', () => {
    expect(run.code).toBe(0);
    // 10 NAS messages and two UEContextRelease Command/Complete pairs (before the mobility registration, at the end)
    expect(run.err).toBe(`wrote 14 N2 frames to ${cap}\n`);
    expect(readFileSync(cap).readUInt32LE(0)).toBe(0xa1b2c3d4);
  });

  it('--json: one line per NAS message with the issue\'s fields, then one summary line; -o writes the plain capture', () => {
    const out = join(t.dir, 'plain.pcap');
    const r = runCli(['decipher', cap, '--k', K, '--opc', OPC, '--json', '-o', out]);
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l));
    const msgs = lines.slice(0, -1);
    expect(msgs).toHaveLength(10);
    for (const m of msgs) expect(Object.keys(m).filter((k) => k !== 'notes')).toEqual(['frame', 'ue', 'direction', 'count', 'securityHeaderType', 'algorithm', 'mac', 'messageType', 'plain']);
    expect(msgs.map((m) => m.mac)).toEqual([null, null, null, 'verified', 'verified', 'verified', 'verified', 'verified', 'verified', 'verified']);
    expect(msgs[9]).toMatchObject({ frame: 12, ue: 1, direction: 'DL', securityHeaderType: 2, algorithm: '128-NEA2/128-NIA2', messageType: 'REGISTRATION ACCEPT' });
    expect(lines.at(-1).summary).toMatchObject({ frames: 14, nasMessages: 10, verified: 7, failed: 0, deciphered: 4, undeciphered: 0, ues: 1, akaRuns: 1, released: 2 });
    expect(readFileSync(out).readUInt32LE(20)).toBe(252); // exported PDU
    expect(r.out + r.err).not.toContain(K);
  });

  it('text output: one line per message and the summary', () => {
    const r = runCli(['decipher', cap, '--k', K, '--opc', OPC]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('SECURITY MODE COMPLETE');
    expect(r.out).toMatch(/14 frames, 1 UE, 10 NAS messages: 3 plain, 7 MAC verified, 0 MAC failed, 0 unverifiable; 4 deciphered, 0 left ciphered; 1 AKA run; 2 N2 connections released; 0 frame notes/);
  });

  it('wrong K: every AUTN fails the USIM MAC check → one line naming --k/--opc, exit 1, never the key', () => {
    const r = runCli(['decipher', cap, '--k', WRONG_K, '--opc', OPC]);
    expect(r.code).toBe(1);
    expect(r.err).toBe("--k/--opc: every AUTN in the capture (1) failed the USIM's MAC check: wrong K or OPc/OP for this subscriber\n");
    expect(r.out + r.err).not.toContain(WRONG_K);
    expect(r.out).toContain('USIM: AUTN MAC failure');
  });

  it('not a capture, an empty file, a directory, a missing file: one line naming CAPTURE, exit 2', () => {
    const junk = join(t.dir, 'junk.pcap'), empty = join(t.dir, 'empty.pcap');
    writeFileSync(junk, 'GET / HTTP/1.1\r\n\r\n');
    writeFileSync(empty, '');
    for (const [f, msg] of [[junk, 'is not a capture: no pcap or pcapng magic number'], [empty, 'is not a capture: shorter than a pcap header'], [t.dir, 'is a directory'], [join(t.dir, 'nope.pcap'), '(ENOENT)']]) {
      const r = runCli(['decipher', f, '--k', K, '--opc', OPC]);
      expect(r.code, f).toBe(2);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toContain('CAPTURE');
      expect(r.err).toContain(msg);
    }
  });

  it('a truncated capture: what came before is deciphered, the cut is a frame note, exit 0', () => {
    const cut = join(t.dir, 'cut.pcap');
    const whole = readFileSync(cap);
    writeFileSync(cut, whole.subarray(0, whole.length - 20));
    const r = runCli(['decipher', cut, '--k', K, '--opc', OPC, '--json']);
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(11); // the 10 messages + summary (the cut is in the last frame, a UEContextReleaseComplete)
    expect(lines.at(-1).summary.notes[0]).toMatch(/^frame 14: truncated record \(\d+ of \d+ octets\): capture ends here$/);
  });

  it('an unknown link type: every frame noted, nothing could be read → exit 2 with the first note', () => {
    const lt = join(t.dir, 'lt.pcap');
    const b = Buffer.from(readFileSync(cap)); b.writeUInt32LE(999, 20);
    writeFileSync(lt, b);
    const r = runCli(['decipher', lt, '--k', K, '--opc', OPC]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('nothing could be read (frame 1: link type 999 is not supported');
  });

  it('a protected message before any AKA (capture starts mid-way): reported unverifiable with the reason, the rest of the line kept', () => {
    const late = join(t.dir, 'late.pcap');
    const b = readFileSync(cap);
    // keep the header and the records from frame 4 (the SMC) on
    let o = 24;
    for (let i = 0; i < 3; i++) o += 16 + b.readUInt32LE(o + 8);
    writeFileSync(late, Buffer.concat([b.subarray(0, 24), b.subarray(o)]));
    const r = runCli(['decipher', late, '--k', K, '--opc', OPC, '--supi', '001010000000001', '--json']);
    expect(r.code).toBe(0);
    const first = JSON.parse(r.out.split('\n')[0]);
    expect(first).toMatchObject({ frame: 1, mac: 'unverifiable', messageType: 'SECURITY MODE COMMAND' });
    expect(first.notes.join(' ')).toMatch(/no authentication in the capture gave this UE/);
  });

  it('flags: --op and --opc exclude each other; --supi must be an IMSI; --k length for MILENAGE', () => {
    expect(runCli(['decipher', cap, '--k', K]).err).toBe('ue-keys: --opc give exactly one of --opc and --op\n');
    expect(runCli(['decipher', cap, '--k', K, '--opc', OPC, '--supi', 'x1']).code).toBe(2);
    expect(runCli(['decipher', cap, '--k', K + K, '--opc', OPC]).err).toContain('--k must be 16 bytes for MILENAGE');
    expect(runCli(['decipher']).code).toBe(2);
  });

  it('run --k/--opc/--supi choose the subscriber: a capture deciphered with those keys only', () => {
    const k2 = '00112233445566778899aabbccddeeff', opc2 = 'ffeeddccbbaa99887766554433221100';
    const c2 = join(t.dir, 'sub.pcap');
    expect(runCli(['run', 'n2-handover', '--kacf', '--k', k2, '--opc', opc2, '--supi', '001019876543210', '--pcap', c2]).code).toBe(0);
    const ok = runCli(['decipher', c2, '--k', k2, '--opc', opc2, '--json']);
    const s = JSON.parse(ok.out.trim().split('\n').at(-1)!).summary;
    expect(s).toMatchObject({ failed: 0, unverifiable: 0, akaRuns: 1 });
    expect(s.verified).toBeGreaterThan(4);
    expect(runCli(['decipher', c2, '--k', K, '--opc', OPC]).code).toBe(1);
  });

  it('cleanup', () => t.done());
});
