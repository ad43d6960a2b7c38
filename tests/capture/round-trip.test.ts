// Round trip of every scenario: `ue-keys run … --pcap` writes the N2 capture, `decipher` reads it
// back with the subscriber's K/OPc and must find every NAS message the UE got or sent, each
// protected one with its MAC verified (TS 33.501 6.4.3: NAS integrity with KNASint, COUNT,
// BEARER, DIRECTION), each plain text equal to the message the scenario built; tshark (a decoder
// we did not write) then reads both the input capture (NGAP over SCTP, NAS-5GS inside, CRC32c
// checked) and the -o capture (exported PDU, nas-5gs) with no malformed packet and no expert
// warning or error, and shows the same message types. Fault flags change the verdict only where
// the fault is: a corrupted SMC MAC, a corrupted NASC MAC, a NASC naming another ngKSI, and the
// mapped context of an EPS → 5GS idle move (its KASME is not on N2).
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decipher, runToPcap, tempDir } from './helpers.js';
import type { NasReport } from '../../host/capture/decipher.js';

const TSHARK = spawnSync('tshark', ['-v'], { encoding: 'utf8' }).status === 0;
const IN_CI = !!process.env.CI;

/** The scenarios and their flag axes (as tests/encodings/wireshark.test.ts enumerates them). */
const AXES: Record<string, Record<string, string[][]>> = {
  mobility: {
    horizontal: [['--horizontal'], ['--no-horizontal']],
    outcome: [['--outcome', 'accept'], ['--outcome', 'reject'], ['--outcome', 'reject', '--cause', '3'], ['--outcome', 'timeout'], ['--outcome', 'no-guti']],
    'source-policy': [['--source-policy', 'keep'], ['--source-policy', 'delete']],
    'target-policy': [['--target-policy', 'use'], ['--target-policy', 'reauth']],
    fallback: [[], ['--fallback']],
    'smc-fault': [[], ['--smc-fault', 'bad-mac'], ['--smc-fault', 'caps-mismatch'], ['--smc-fault', 'unknown-ngksi']],
    'power-cycle': [[], ['--power-cycle'], ['--power-cycle-at', 'registered']],
    'no-context': [[], ['--no-context']],
    auth: [[], ['--auth', 'eap-aka-prime'], ['--auth', 'eap-aka-prime', '--eap-success', 'result']],
  },
  srvcc: {
    variant: [['--variant', 'mme-derive'], ['--variant', 'mme-concat'], ['--variant', 'direct']],
    fc: [[], ['--fc', '74']],
    outcome: [['--outcome', 'success'], ['--outcome', 'failure']],
    auth: [[], ['--auth', 'eap-aka-prime']],
  },
  interworking: { to: [['--to', 'eps'], ['--to', '5gs']], mode: [['--mode', 'idle'], ['--mode', 'ho']], auth: [[], ['--auth', 'eap-aka-prime']] },
  'n2-handover': { kacf: [[], ['--kacf']], fault: [[], ['--mac-failure'], ['--nasc-ngksi', '5'], ['--nasc-ngksi', '9']], auth: [[], ['--auth', 'eap-aka-prime']] },
};

function combinations(axes: Record<string, string[][]>): string[][] {
  let out: string[][] = [[]];
  for (const alts of Object.values(axes)) out = out.flatMap((p) => alts.map((a) => [...p, ...a]));
  return out;
}

/** Every combination of the small scenarios; for mobility (5,760 combinations) every 37th in
 *  `npm test`, which still takes every value of every axis (checked below). The full matrix runs
 *  with UE_KEYS_ROUND_TRIP=full (.ci/run); a number there is another stride (for timing a slice). */
const MATRIX = process.env.UE_KEYS_ROUND_TRIP;
const STRIDE = MATRIX === 'full' ? 1 : MATRIX && /^[1-9][0-9]*$/.test(MATRIX) ? Number(MATRIX) : 37;
/** Time limits scale with the number of runs (≈ 70 ms a run on a quiet 2-core machine). */
const SLOW = Math.max(1, Math.ceil(37 / STRIDE));
const RUNS: string[][] = Object.entries(AXES).flatMap(([name, axes]) => {
  const all = combinations(axes).map((c) => [name, ...c]);
  return name === 'mobility' ? all.filter((_, i) => i % STRIDE === 0) : all;
});

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** What the verdict of each reported message must be, from the run's fault flags. */
function expectedVerdict(argv: string[], r: NasReport): NasReport['mac'] | 'any' {
  if (r.securityHeaderType === 0 || r.securityHeaderType === -2) return null;
  if (r.securityHeaderType === -1) { // NASC
    if (argv.includes('--mac-failure')) return 'failed';
    const i = argv.indexOf('--nasc-ngksi');
    if (i >= 0 && argv[i + 1] !== '1') return 'unverifiable';   // the initial registration uses ngKSI 1
    return 'verified';
  }
  const fault = argv.includes('--smc-fault') ? argv[argv.indexOf('--smc-fault') + 1] : null;
  // the target AMF's SMC with a corrupted MAC; an SMC naming ngKSI 5, which no AKA assigned (the UE rejects both)
  if (fault === 'bad-mac' && r.messageType === 'SECURITY MODE COMMAND' && r.mac === 'failed') return 'failed';
  if (fault === 'unknown-ngksi' && r.messageType === 'SECURITY MODE COMMAND' && r.notes?.some((n) => /^SMC names ngKSI \d, which no authentication/.test(n))) return 'unverifiable';
  // EPS → 5GS idle: the SMC names the mapped context (K′AMF from the MME's KASME, not on N2)
  if (argv.includes('interworking') && argv.includes('5gs') && argv.includes('idle') && r.notes?.some((n) => /mapped context|whose context is unknown/.test(n))) return 'unverifiable';
  return 'verified';
}

const frames: Array<{ pcap: Buffer; out: Buffer; types: string[]; where: string }> = [];

describe('run SCENARIO --pcap → decipher: every MAC verified, every plaintext the scenario built', () => {
  it(`${RUNS.length} runs: all scenarios, every small combination, mobility ${STRIDE === 1 ? 'every combination' : `every ${STRIDE}th`}`, () => {
    const t = tempDir();
    const covered = new Set<string>();
    const bad: string[] = [];
    let protectedSeen = 0, verified = 0, plainsCompared = 0;
    try {
      RUNS.forEach((argv, i) => {
        const file = join(t.dir, `r${i}.pcap`), out = join(t.dir, `r${i}-plain.pcap`);
        const seed = String(1 + (i % 3));
        const { tapped } = runToPcap([...argv, '--seed', seed], file);
        const { reports, notes } = decipher(file, {}, out);
        const where = `run ${argv.join(' ')} --seed ${seed}`;
        if (notes.length) bad.push(`${where}: frame notes ${notes.join('; ')}`);
        for (const a of argv) covered.add(`${argv[0]} ${a}`);
        const sent = tapped.filter((m) => m.nas[0] === 0x7e || m.nasc);
        if (reports.length !== sent.length) { bad.push(`${where}: ${reports.length} messages deciphered, ${sent.length} sent`); return; }
        reports.forEach((r, j) => {
          const m = sent[j];
          if (r.direction !== (m.dir === 'ul' ? 'UL' : 'DL')) bad.push(`${where} frame ${r.frame}: direction ${r.direction}`);
          const want = expectedVerdict(argv, r);
          if (r.mac !== null) protectedSeen++;
          if (r.mac === 'verified') verified++;
          if (want !== 'any' && r.mac !== want) bad.push(`${where} frame ${r.frame} ${r.messageType}: MAC ${r.mac}, expected ${want} (${r.notes?.join('; ') ?? ''})`);
          if (m.plain && r.mac !== 'unverifiable') {
            plainsCompared++;
            if (r.plain !== hex(m.plain)) bad.push(`${where} frame ${r.frame}: plain ${r.plain} ≠ built ${hex(m.plain)}`);
          }
        });
        const types = reports.filter((r) => r.plain?.startsWith('7e') && r.plain.length >= 6 && r.securityHeaderType >= 0).map((r) => r.plain!.slice(4, 6));
        frames.push({ pcap: readFileSync(file), out: readFileSync(out), types, where });
      });
    } finally { t.done(); }
    expect(bad.slice(0, 20)).toEqual([]);
    // every value of every axis ran (a sampled axis value would otherwise go untested silently)
    for (const [name, axes] of Object.entries(AXES)) for (const alts of Object.values(axes)) for (const a of alts) for (const f of a) expect(covered.has(`${name} ${f}`), `${name} ${f}`).toBe(true);
    expect(protectedSeen).toBeGreaterThan(500);
    expect(verified / protectedSeen).toBeGreaterThan(0.9); // the exceptions above stay exceptions
    expect(plainsCompared).toBeGreaterThan(500);
  }, 300_000 * SLOW);

  describe.skipIf(!TSHARK && !IN_CI)('tshark reads the captures', () => {
    /** All runs' records concatenated into one pcap (same link type) for one tshark run. */
    const concat = (files: Buffer[]) => Buffer.concat([files[0].subarray(0, 24), ...files.map((f) => f.subarray(24))]);
    const tshark = (file: string, fields: string[], extra: string[] = []) => {
      const r = spawnSync('tshark', ['-r', file, ...extra, '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=|', ...fields.flatMap((f) => ['-e', f])], { encoding: 'utf8', maxBuffer: 256 << 20 });
      expect(r.status, r.stderr).toBe(0);
      return r.stdout.split('\n').filter(Boolean).map((l) => l.split('\t'));
    };

    it('the --pcap captures: every frame NGAP with NAS-5GS (or the NASC), CRC32c good, no malformed packet, no expert warning', () => {
      expect(TSHARK, 'CI is set but tshark is not installed').toBe(true);
      expect(frames.length).toBe(RUNS.length);
      const t = tempDir();
      try {
        const f = join(t.dir, 'all.pcap');
        writeFileSync(f, concat(frames.map((x) => x.pcap)));
        // the runs reuse addresses and TSNs, so across runs SCTP would call them retransmissions: off here, on below
        const rows = tshark(f, ['frame.number', 'ngap.procedureCode', 'nas_5gs.epd', 'sctp.checksum.status', '_ws.expert.severity', '_ws.malformed'], ['-o', 'sctp.checksum:CRC 32c', '-o', 'sctp.tsn_analysis:FALSE']);
        // HandoverRequired (12), HandoverRequest (13, the NASC) and UEContextReleaseCommand/Complete (41) carry no NAS message
        const bad = rows.filter(([, proc, epd, crc, sev, mal]) => !proc || (!epd && !['12', '13', '41'].includes(proc)) || crc !== '1' || (sev && sev.split('|').some((s) => +s >= 6291456)) || mal);
        expect(bad.slice(0, 10)).toEqual([]);
        expect(rows.length).toBeGreaterThan(1000);
      } finally { t.done(); }
    }, 120_000 * SLOW);

    it('one capture per scenario with default preferences: no expert note at all (no retransmitted TSN), NGAP in every frame', () => {
      for (const name of Object.keys(AXES)) {
        const x = frames.find((f) => f.where.startsWith(`run ${name} `))!;
        const t = tempDir();
        try {
          const f = join(t.dir, 'one.pcap');
          writeFileSync(f, x.pcap);
          const rows = tshark(f, ['ngap.procedureCode', '_ws.expert.severity', '_ws.malformed']);
          expect(rows.filter(([p, sev, mal]) => !p || sev || mal), x.where).toEqual([]);
        } finally { t.done(); }
      }
    }, 60_000 * SLOW);

    it('the -o captures: exported PDUs decoded as NAS-5GS plain messages with the deciphered message types, original frame numbers kept', () => {
      const t = tempDir();
      try {
        const f = join(t.dir, 'out.pcap');
        const outs = frames.filter((x) => x.out.length > 24);
        writeFileSync(f, concat(outs.map((x) => x.out)));
        const rows = tshark(f, ['nas_5gs.security_header_type', 'nas_5gs.mm.message_type', 'exported_pdu.orig_fno', '_ws.expert.severity', '_ws.malformed']);
        const want = outs.flatMap((x) => x.types);
        expect(rows.length).toBe(want.length);
        const bad: string[] = [];
        rows.forEach(([sht, type, fno, sev, mal], i) => {
          if (sht.split('|')[0] !== '0') bad.push(`row ${i}: security header ${sht}`);
          if (parseInt(type.split('|')[0], 16) !== parseInt(want[i], 16)) bad.push(`row ${i}: type ${type} ≠ ${want[i]}`);
          if (!(+fno > 0)) bad.push(`row ${i}: no original frame number`);
          if ((sev && sev.split('|').some((s) => +s >= 6291456)) || mal) bad.push(`row ${i}: expert ${sev} malformed ${mal}`);
        });
        expect(bad.slice(0, 10)).toEqual([]);
      } finally { t.done(); }
    }, 120_000 * SLOW);
  });
});
