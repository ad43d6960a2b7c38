/**
 * `ue-keys run SCENARIO`: procedures end to end between the UE (firmware + USIM) and the network
 * models, printed as a message sequence with keys, COUNTs and USIM bytes at each step.
 */
import { runMobility, type MobilityOptions, type MobilitySummary } from '../scenarios/mobility.js';
import { InputError, shown } from '../errors.js';
import { readFileSync } from 'node:fs';
import { loadHomeNetworkKey } from '../network/suci-profiles.js';
import { concealedSuciCalculation } from '../capture/suci-concealment.js';
import { withSubscriber } from '../scenarios/setup.js';
import { runWithCapture } from '../capture/scenario-capture.js';
import { applySpecs, split, unexpected, usage, UsageError, type FlagSpec } from './args.js';
import type { Command } from './registry.js';

/** Primary authentication method of the scenario (TS 33.501 6.1.3): 5G AKA (default) or EAP-AKA′. */
export const AUTH_FLAG: FlagSpec = { name: 'auth', kind: 'enum', values: ['5g-aka', 'eap-aka-prime'], help: 'primary authentication: 5g-aka (default) or eap-aka-prime (TS 33.501 6.1.3.1)' };
/** Where EAP-AKA′'s EAP-Success goes: the SMC (TS 38.508-1 4.9.8 default) or an AUTHENTICATION RESULT. */
export const EAP_SUCCESS_FLAG: FlagSpec = { name: 'eap-success', kind: 'enum', values: ['smc', 'result'], help: 'with --auth eap-aka-prime: EAP-Success in the SMC (default) or in AUTHENTICATION RESULT' };
/** --auth / --eap-success as scenario options (--eap-success needs --auth eap-aka-prime). */
export function authOptions(a: Record<string, any>): { auth?: '5g-aka' | 'eap-aka-prime'; eapSuccessIn?: 'smc' | 'result' } {
  if (a['eap-success'] !== undefined && a.auth !== 'eap-aka-prime') throw new UsageError('--eap-success', 'needs --auth eap-aka-prime');
  return { auth: a.auth, eapSuccessIn: a['eap-success'] };
}

/** Every scenario: write its NAS messages as an N2 capture, and choose the subscriber (so a user
 *  can decipher the run's own capture). Defaults: the sample subscriber of host/scenarios/setup.ts. */
export const CAPTURE_FLAGS: FlagSpec[] = [
  { name: 'pcap', kind: 'text', help: 'write the NAS messages as an N2 capture (Ethernet/IPv4/SCTP/NGAP) to FILE' },
  { name: 'k', kind: 'hex', len: 16, help: 'subscriber K (default: TS 35.208 Test Set 1)' },
  { name: 'opc', kind: 'hex', len: 16, help: 'subscriber OPc (default: TS 35.208 Test Set 1)' },
  { name: 'supi', kind: 'text', help: 'subscriber IMSI, 6–15 digits, MNC of 2 digits (default 001010000000001)' },
  { name: 'suci-profile', kind: 'enum', values: ['A', 'B'], help: 'the UE conceals its SUPI with SUCI Profile A (X25519) or B (P-256), TS 33.501 Annex C (default: null scheme)' },
  { name: 'hn-key', kind: 'text', help: 'with --suci-profile: home-network private key FILE, PEM or hex (default: the TS 33.501 Annex C.4 test key of the profile)' },
];

/** --suci-profile / --hn-key: the profile (1 = A, 2 = B) and the key file's text, checked before the run. */
function suciOptions(a: Record<string, any>): { scheme: 1 | 2; hnKey?: string } | undefined {
  if (a['suci-profile'] === undefined) {
    if (a['hn-key'] !== undefined) throw new UsageError('--hn-key', 'needs --suci-profile A|B');
    return undefined;
  }
  const scheme = a['suci-profile'] === 'A' ? 1 : 2;
  let hnKey: string | undefined;
  if (a['hn-key'] !== undefined) {
    try { hnKey = readFileSync(a['hn-key'], 'utf8'); } catch (e) { throw new UsageError('--hn-key', `cannot read ${shown(a['hn-key'])} (${(e as NodeJS.ErrnoException).code ?? 'error'})`); }
    try { loadHomeNetworkKey(hnKey, scheme); } catch (e) {
      if (e instanceof InputError) throw new UsageError('--hn-key', (e.message.startsWith('hnKey ') ? e.message.slice(6) : e.message));
      throw e;
    }
  }
  return { scheme, hnKey };
}

const MOBILITY_FLAGS: FlagSpec[] = [
  { name: 'horizontal', kind: 'bool', help: 'source AMF policy: derive KAMF′ (default)' },
  { name: 'no-horizontal', kind: 'bool', help: 'source AMF policy: transfer the current KAMF' },
  { name: 'outcome', kind: 'enum', values: ['accept', 'reject', 'timeout', 'no-guti'] },
  { name: 'source-policy', kind: 'enum', values: ['keep', 'delete'] },
  { name: 'target-policy', kind: 'enum', values: ['use', 'reauth'] },
  { name: 'fallback', kind: 'bool' },
  { name: 'smc-fault', kind: 'enum', values: ['bad-mac', 'caps-mismatch', 'unknown-ngksi'] },
  { name: 'cause', kind: 'num', help: '5GMM cause of --outcome reject (default 111; #3/#6/#7 delete the context)' },
  { name: 'power-cycle', kind: 'bool', help: 'power loss after the verified SMC (= --power-cycle-at after-smc)' },
  { name: 'power-cycle-at', kind: 'enum', values: ['after-smc', 'registered'] },
  { name: 'no-context', kind: 'bool', help: 'the source AMF has no UE context: identification (6.12.4) first' },
  { name: 'compare', kind: 'bool' },
  { name: 'seed', kind: 'num' },
  AUTH_FLAG, EAP_SUCCESS_FLAG,
  { name: 'json', kind: 'bool' },
];

function mobilityOptions(a: Record<string, any>): MobilityOptions {
  if (a.horizontal && a['no-horizontal']) throw new UsageError('--horizontal', 'and --no-horizontal exclude each other');
  if (a.cause !== undefined && a.outcome !== 'reject') throw new UsageError('--cause', 'needs --outcome reject');
  if (a.cause !== undefined && (!Number.isInteger(a.cause) || a.cause < 0 || a.cause > 255)) throw new UsageError('--cause', `must be a 5GMM cause 0..255, got ${a.cause}`);
  const at = a['power-cycle-at'] ?? (a['power-cycle'] ? 'after-smc' : undefined);
  if (a['power-cycle'] && a['power-cycle-at'] && a['power-cycle-at'] !== 'after-smc') throw new UsageError('--power-cycle', `means --power-cycle-at after-smc; it contradicts --power-cycle-at ${a['power-cycle-at']}`);
  return {
    horizontal: !a['no-horizontal'], outcome: a.outcome, rejectCause: a.cause, sourcePolicy: a['source-policy'], targetPolicy: a['target-policy'],
    fallback: !!a.fallback, smcFault: a['smc-fault'], powerCycleAt: at, noContext: !!a['no-context'], seed: a.seed, ...authOptions(a),
  };
}

const short = (h: string | null) => (h ? h.slice(0, 12) + '…' : '—');

/** Every (horizontal × outcome × source policy × fallback) combination with its verdict (the seed's decision space: success with or without a new 5G-GUTI, failure, no answer). */
export function compareMobility(seed = 1): Array<MobilitySummary & { combination: string; requestedOutcome: string }> {
  const rows: Array<MobilitySummary & { combination: string; requestedOutcome: string }> = [];
  for (const horizontal of [true, false]) for (const outcome of ['accept', 'no-guti', 'reject', 'timeout'] as const)
    for (const sourcePolicy of ['keep', 'delete'] as const) for (const fallback of [false, true]) {
      const s = runMobility({ horizontal, outcome, sourcePolicy, fallback, seed }).summary; // one seed: every row starts from the same KAMF
      rows.push({ combination: `${horizontal ? 'horizontal' : 'no-horizontal'} ${outcome} ${sourcePolicy}${fallback ? ' fallback' : ''}`, requestedOutcome: outcome, ...s });
    }
  return rows;
}

function printCompare(rows: ReturnType<typeof compareMobility>): void {
  const head = ['horizontal', 'outcome', 'source', 'fallback', 'aligned', 'UE KAMF', 'USIM KAMF', 'USIM valid', 'source AMF KAMF', 'source AMF learned', 'target AMF KAMF', 'verdict'];
  const body = rows.map((r) => [r.horizontal ? 'yes' : 'no', r.requestedOutcome, r.sourcePolicy, r.fallback ? 'yes' : 'no', r.aligned ? 'yes' : 'NO',
    short(r.ueCurrentKamf), short(r.usimKamf), r.usimValid ? 'valid' : 'invalid', short(r.sourceAmfKamf), r.sourceAmfLearned, short(r.targetAmfKamf), r.verdict]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(w[i]))).join('  ');
  console.log(line(head));
  console.log(w.map((n) => '-'.repeat(n)).join('  '));
  for (const b of body) console.log(line(b));
}

const scenarios: Record<string, { flags: FlagSpec[]; run(a: Record<string, any>): void }> = {
  mobility: {
    flags: MOBILITY_FLAGS,
    run(a) {
      if (a.compare) {
        const rows = compareMobility(a.seed ?? 1);
        if (a.json) console.log(JSON.stringify({ combinations: rows }));
        else printCompare(rows);
        return;
      }
      const r = runMobility(mobilityOptions(a));
      if (a.json) { console.log(JSON.stringify({ summary: r.summary, trace: r.trace })); return; }
      console.log(r.text);
      console.log('\nSummary');
      for (const [k, v] of Object.entries(r.summary)) console.log(`  ${k.padEnd(27)} ${v === null ? 'null' : typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
    },
  },
};

export function registerScenario(name: string, flags: FlagSpec[], run: (a: Record<string, any>) => void): void { scenarios[name] = { flags, run }; }

export const runCommand: Command = {
  name: 'run',
  summary: 'run a procedure end to end (mobility, …) and print every message, key, COUNT and USIM byte',
  usage: 'ue-keys run SCENARIO [--flag]... [--json]',
  run(argv) {
    // Boolean flags are those of the scenario named first on the line (they take no value).
    const first = argv.find((a) => !a.startsWith('--')) ?? '';
    const named = Object.hasOwn(scenarios, first) ? scenarios[first] : undefined;
    const bools = new Set((named?.flags ?? []).filter((f) => f.kind === 'bool').map((f) => f.name).concat('help', 'json'));
    const p = split(argv, bools);
    const [name, ...extra] = p.positionals;
    if (!name || p.flags.has('help')) {
      // --help asked for: stdout, exit 0; no scenario named: usage on stderr, exit 2 (issue 17)
      const text = ['ue-keys run SCENARIO [flags] [--json]', '', ...Object.entries(scenarios).map(([n, s]) => `  run ${n} ${usage(s.flags)}`),
        '', `  every scenario also takes ${usage(CAPTURE_FLAGS)}`].join('\n');
      if (name || p.flags.has('help')) { console.log(text); return 0; }
      process.stderr.write(text + '\n');
      return 2;
    }
    const s = Object.hasOwn(scenarios, name) ? scenarios[name] : undefined;
    if (!s) throw new UsageError('SCENARIO', `must be one of ${Object.keys(scenarios).join(', ')}, got ${shown(name)}`);
    if (extra.length) throw unexpected(`run ${name}`, extra[0]);
    const a = applySpecs([...s.flags, ...CAPTURE_FLAGS], p.flags, `run ${name}`);
    const supi = a.supi === undefined ? undefined : String(a.supi).replace(/^imsi-/, '');
    if (supi !== undefined && !/^[0-9]{6,15}$/.test(supi)) throw new UsageError('--supi', `must be an IMSI of 6–15 digits, got ${supi.length} characters`);
    if (a.pcap !== undefined && a.compare) throw new UsageError('--pcap', 'cannot be used with --compare (a table of many runs)');
    const suci = suciOptions(a);
    const suciCalculation = suci ? concealedSuciCalculation(suci.scheme, suci.hnKey, a.seed) : undefined;
    const go = () => withSubscriber({ supi, k: a.k, opc: a.opc, suciCalculation }, () => s.run(a));
    if (a.pcap === undefined) { go(); return 0; }
    let frames: number;
    try { frames = runWithCapture(a.pcap, go).frames; } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code && typeof (e as NodeJS.ErrnoException).syscall === 'string') throw new UsageError('--pcap', `cannot write ${shown(a.pcap)} (${code})`);
      throw e;
    }
    process.stderr.write(`wrote ${frames} N2 frame${frames === 1 ? '' : 's'} to ${a.pcap}\n`);
    return 0;
  },
};
