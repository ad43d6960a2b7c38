/**
 * Registers the inter-system and handover scenarios with `ue-keys run`:
 *   ue-keys run srvcc [--variant mme-derive|mme-concat|direct] [--fc HEX] [--outcome success|failure] [--json]
 *   ue-keys run interworking --to eps|5gs --mode idle|ho [--json]
 *   ue-keys run n2-handover [--kacf] [--mac-failure] [--nasc-ngksi N] [--json]
 * `--fc` is one octet in hex, with or without 0x: `--fc 0x74` and `--fc 74` are both FC 0x74
 * (the draft's "similar to 8.6.1" reading); the default is 0x7D (TS 33.501 A.21).
 * `--json` prints one object `{summary, trace}`; otherwise the message sequence and the summary.
 */
import { registerScenario, authOptions, AUTH_FLAG, EAP_SUCCESS_FLAG } from './run-command.js';
import type { FlagSpec } from './args.js';
import { runSrvcc } from '../scenarios/srvcc.js';
import { runInterworking } from '../scenarios/interworking.js';
import { runN2Handover } from '../scenarios/n2-handover.js';
import type { TraceStep } from '../trace.js';

const json: FlagSpec = { name: 'json', kind: 'bool', help: 'one JSON object {summary, trace}' };
const seed: FlagSpec = { name: 'seed', kind: 'num', help: 'seed of the network RANDs: reproducible keys' };

/** Print a run: JSON, or the rendered trace followed by the summary (nested objects flattened). */
function print(r: { summary: object; trace: TraceStep[]; text: string }, asJson: boolean): void {
  if (asJson) { console.log(JSON.stringify({ summary: r.summary, trace: r.trace })); return; }
  console.log(r.text);
  console.log('\nSummary');
  const walk = (o: object, prefix: string) => {
    for (const [k, v] of Object.entries(o)) {
      const name = prefix + k;
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) walk(v, name + '.');
      else if (Array.isArray(v)) { console.log(`  ${name}`); for (const x of v) console.log(`    - ${x}`); }
      else console.log(`  ${name.padEnd(27)} ${v === null ? 'null' : String(v)}`);
    }
  };
  walk(r.summary, '');
}

registerScenario('srvcc', [
  { name: 'variant', kind: 'enum', values: ['mme-derive', 'mme-concat', 'direct'], help: 'published mme-derive (default) or a draft variant' },
  { name: 'fc', kind: 'hex', len: 1, help: 'FC of the AMF step, hex (0x74 or 74); default 7D (A.21)' },
  { name: 'outcome', kind: 'enum', values: ['success', 'failure'] },
  json, seed, AUTH_FLAG, EAP_SUCCESS_FLAG,
], (a) => print(runSrvcc({ variant: a.variant, fc: a.fc ? a.fc[0] : undefined, outcome: a.outcome, seed: a.seed, ...authOptions(a) }), !!a.json));

registerScenario('interworking', [
  { name: 'to', kind: 'enum', values: ['eps', '5gs'], required: true },
  { name: 'mode', kind: 'enum', values: ['idle', 'ho'], required: true },
  json, seed, AUTH_FLAG, EAP_SUCCESS_FLAG,
], (a) => print(runInterworking({ to: a.to, mode: a.mode, seed: a.seed, ...authOptions(a) }), !!a.json));

registerScenario('n2-handover', [
  { name: 'kacf', kind: 'bool', help: 'KACF = 1: KAMF′ = A.13(KAMF, 0x01, DL COUNT)' },
  { name: 'mac-failure', kind: 'bool', help: 'fault: the container\'s NAS-MAC is corrupted (the UE aborts the handover)' },
  { name: 'nasc-ngksi', kind: 'num', max: 15, help: 'fault: the container names this ngKSI (TSC ‖ KSI, 0–15) instead of the source context\'s' },
  json, seed, AUTH_FLAG, EAP_SUCCESS_FLAG,
], (a) => print(runN2Handover({ kacf: !!a.kacf, macFailure: !!a['mac-failure'], nascNgKsi: a['nasc-ngksi'], seed: a.seed, ...authOptions(a) }), !!a.json));
