/**
 * `ue-keys decipher CAPTURE --k HEX (--opc HEX | --op HEX) [--algo milenage|tuak] [--supi IMSI]
 * [--snn NAME] [--hn-key FILE] [-o PLAIN.pcap] [--json]`: every NAS message of an N2 capture with
 * its COUNT, MAC verdict and plain text, keys computed as the UE computes them (host/capture/).
 */
import { readFileSync, statSync } from 'node:fs';
import { applySpecs, split, unexpected, usage, UsageError, type FlagSpec } from './args.js';
import { InputError, shown } from '../errors.js';
import { decipherCapture } from '../capture/decipher-run.js';
import { CaptureFormatError } from '../capture/pcap-read.js';
import type { NasReport, Summary } from '../capture/decipher.js';
import { supiFromConcealedSuci } from '../capture/suci-concealment.js';
import type { Command } from './registry.js';

const FLAGS: FlagSpec[] = [
  { name: 'k', kind: 'hex', len: [16, 32], required: true, help: 'subscriber key K' },
  { name: 'opc', kind: 'hex', len: [16, 32], help: 'OPc (TOPc for TUAK)' },
  { name: 'op', kind: 'hex', len: [16, 32], help: 'OP (TOP for TUAK)' },
  { name: 'algo', kind: 'enum', values: ['milenage', 'tuak'] },
  { name: 'supi', kind: 'text', help: 'IMSI of the subscriber (else from a null-scheme SUCI or IDENTITY RESPONSE)' },
  { name: 'snn', kind: 'text', help: 'serving network name (else from the PLMN of the SUCI / 5G-GUTI)' },
  { name: 'hn-key', kind: 'text', help: 'home-network private key FILE (SUCI profile A/B), PEM or hex' },
  { name: 'o', kind: 'text', help: 'write the plain NAS messages to this capture (exported PDU, nas-5gs)' },
  { name: 'json', kind: 'bool', help: 'one JSON line per NAS message, then one summary line' },
];

const USAGE = `ue-keys decipher CAPTURE ${usage(FLAGS)}`;

function line(r: NasReport): string {
  const mac = r.mac ?? '-';
  return `${String(r.frame).padStart(6)}  UE ${r.ue}  ${r.direction}  ${r.count === null ? '     -' : String(r.count).padStart(6)}  SHT ${r.securityHeaderType}  ${mac.padEnd(12)} ${r.messageType}${r.plain ? `  ${r.plain.length > 64 ? r.plain.slice(0, 64) + '…' : r.plain}` : ''}${r.notes ? `  [${r.notes.join('; ')}]` : ''}`;
}

function printSummary(s: Summary, notes: number): void {
  console.log(`\n${s.frames} frames, ${s.ues} UE${s.ues === 1 ? '' : 's'}, ${s.nasMessages} NAS messages: ${s.plain} plain, ${s.verified} MAC verified, ${s.failed} MAC failed, ${s.unverifiable} unverifiable; ${s.deciphered} deciphered, ${s.undeciphered} left ciphered; ${s.akaRuns} AKA run${s.akaRuns === 1 ? '' : 's'}; ${s.released} N2 connection${s.released === 1 ? '' : 's'} released; ${notes} frame note${notes === 1 ? '' : 's'}`);
  for (const [why, n] of Object.entries(s.reasons)) console.log(`  ${n} × ${why}`);
  for (const c of s.concealedSuci) console.log(`  ${c}`);
}

export const decipherCommand: Command = {
  name: 'decipher',
  summary: 'every NAS message of an N2 capture (pcap/pcapng): COUNT, MAC verified/failed, deciphered with the UE\'s keys',
  usage: USAGE,
  run(argv) {
    const p = split(argv.map((x) => (x === '-o' ? '--o' : x)), new Set(['json', 'help']));
    if (p.flags.has('help')) { console.log(USAGE); return 0; }
    const [path, ...extra] = p.positionals;
    if (!path) { process.stderr.write(USAGE + '\n'); return 2; }
    if (extra.length) throw unexpected('decipher', extra[0]);
    const a = applySpecs(FLAGS, p.flags, 'decipher');
    if ((a.op === undefined) === (a.opc === undefined)) throw new UsageError('--opc', 'give exactly one of --opc and --op');
    const tuak = a.algo === 'tuak';
    for (const f of ['op', 'opc'] as const) if (a[f] && a[f].length !== (tuak ? 32 : 16)) throw new UsageError(`--${f}`, `must be ${tuak ? 32 : 16} bytes for ${tuak ? 'TUAK' : 'MILENAGE'}, got ${a[f].length}`);
    if (!tuak && a.k.length !== 16) throw new UsageError('--k', `must be 16 bytes for MILENAGE, got ${a.k.length}`);
    const supi = a.supi === undefined ? undefined : String(a.supi).replace(/^imsi-/, '');
    if (supi !== undefined && !/^[0-9]{6,15}$/.test(supi)) throw new UsageError('--supi', `must be an IMSI of 6–15 digits, got ${supi.length} characters`);
    let hnKey: string | undefined;
    if (a['hn-key'] !== undefined) {
      try { hnKey = readFileSync(a['hn-key'], 'utf8'); } catch (e) { throw new UsageError('--hn-key', `cannot read ${shown(a['hn-key'])} (${(e as NodeJS.ErrnoException).code ?? 'error'})`); }
    }
    try { if (statSync(path).isDirectory()) throw new InputError('CAPTURE', `${shown(path)} is a directory`); } catch (e) {
      if (e instanceof InputError) throw e;
      throw new InputError('CAPTURE', `cannot read ${shown(path)} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    const size = statSync(path).size;
    const tty = !!process.stderr.isTTY;
    const notes: string[] = [];
    let run;
    try {
      run = decipherCapture(path, { k: a.k, op: a.op, opc: a.opc, algo: a.algo, supi, snn: a.snn, deconceal: (s) => supiFromConcealedSuci(s, hnKey) }, {
        outPath: a.o,
        onReport: (r) => console.log(a.json ? JSON.stringify(r) : line(r)),
        onNote: (n) => { notes.push(`frame ${n.frame}: ${n.note}`); if (!a.json) console.log(`${String(n.frame).padStart(6)}  note: ${n.note}`); },
        onProgress: tty && size > 1 << 20 ? (f, at) => {
          const pct = Math.min(100, Math.floor((100 * at) / size)), bar = '#'.repeat(Math.floor(pct / 4)).padEnd(25, '.');
          process.stderr.write(`\r[${bar}] ${String(pct).padStart(3)} %  ${f} frames`);
        } : undefined,
      });
    } catch (e) {
      if (e instanceof CaptureFormatError) throw new InputError('CAPTURE', `${shown(path)} ${e.message}`);
      if ((e as NodeJS.ErrnoException).syscall) throw new InputError(a.o && (e as NodeJS.ErrnoException).path === a.o ? '-o' : 'CAPTURE', `cannot ${(e as NodeJS.ErrnoException).syscall} ${shown((e as NodeJS.ErrnoException).path ?? path)} (${(e as NodeJS.ErrnoException).code})`);
      throw e;
    }
    if (tty && size > 1 << 20) process.stderr.write('\r\x1b[K');
    const s = run.d.summary;
    if (a.json) console.log(JSON.stringify({ summary: { ...s, notes } }));
    else printSummary(s, notes.length);
    // exit 2 only when nothing could be read: no frame at all, or no frame whose link layer was understood
    if (run.framesRead === 0 || (s.nasMessages === 0 && notes.length >= run.framesRead))
      throw new InputError('CAPTURE', `${shown(path)}: nothing could be read (${notes.length ? notes[0] : 'no frames'})`);
    if (s.akaRuns > 0 && s.autnMacFailures === s.akaRuns) {
      process.stderr.write(`--k/--opc: every AUTN in the capture (${s.akaRuns}) failed the USIM's MAC check: wrong K or OPc/OP for this subscriber\n`);
      return 1;
    }
    return 0;
  },
};
