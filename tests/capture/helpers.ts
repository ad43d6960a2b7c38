// Shared by the capture tests: run a scenario in this process with --pcap (a temporary file) and
// decipher that capture, keeping both sides' messages for comparison.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../../host/cli/run-command.js';
import '../../host/cli/run-scenarios.js';
import { tapScenario, type TappedMessage } from '../../host/capture/scenario-tap.js';
import { decipherCapture } from '../../host/capture/decipher-run.js';
import type { NasReport, Summary } from '../../host/capture/decipher.js';
import { SUBSCRIBER } from '../../host/scenarios/setup.js';

export const K = SUBSCRIBER.k, OPC = SUBSCRIBER.opc;

export function tempDir(): { dir: string; done(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'ue-keys-cap-'));
  return { dir, done: () => rmSync(dir, { recursive: true, force: true }) };
}

/** `ue-keys run <argv> --pcap file --json` in this process; the tapped messages (what the UE got
 *  and sent, with the plain message the scenario built where the UE API exposes it). */
export function runToPcap(argv: string[], file: string): { tapped: TappedMessage[]; stdout: string } {
  const lines: string[] = [];
  const log = console.log, err = process.stderr.write;
  console.log = (...a: unknown[]) => { lines.push(a.join(' ')); };
  (process.stderr as any).write = () => true;
  let tapped: TappedMessage[] = [];
  try {
    // tap again around the CLI run (the CLI's own tap writes the file; this one keeps the plains)
    tapped = tapScenario(() => { const code = runCommand.run([...argv, '--pcap', file, '--json']); if (code !== 0) throw new Error(`exit ${code}`); }).messages;
  } finally { console.log = log; (process.stderr as any).write = err; }
  return { tapped, stdout: lines.join('\n') };
}

export function decipher(file: string, o: Partial<Parameters<typeof decipherCapture>[1]> = {}, outPath?: string): { reports: NasReport[]; notes: string[]; summary: Summary } {
  const reports: NasReport[] = [], notes: string[] = [];
  const { d } = decipherCapture(file, { k: K, opc: OPC, ...o }, { outPath, onReport: (r) => reports.push(r), onNote: (n) => notes.push(`frame ${n.frame}: ${n.note}`) });
  return { reports, notes, summary: d.summary };
}
