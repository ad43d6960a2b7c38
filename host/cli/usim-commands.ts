/**
 * `ue-keys milenage`, `ue-keys tuak` (the USIM module's algorithm exports, TS 35.206 / TS 35.231)
 * and `ue-keys usim init|show|authenticate` (a USIM image file: host/usim/usim.ts), plus the batch
 * ops `milenage` and `tuak`. Names, flags and JSON keys are exact: other tools script them.
 *
 * Batch: `{"op":"milenage","k":HEX,"op_value":HEX | "opc":HEX,"rand":HEX,"sqn":HEX,"amf":HEX}` —
 * the key "op" names the batch op, so the OP value goes under "op_value". `{"op":"tuak","k":HEX,
 * "top"|"topc":HEX,"rand","sqn","amf"[,"iterations","mac_bits","res_bits","ck_bits","ik_bits"]}`.
 */
import { toHex } from '../hex.js';
import { UsimModule, type AkaOutputs, type TuakParams } from '../firmware/usim-module.js';
import { Usim, checkUsimImage, type UsimView } from '../usim/usim.js';
import type { ImageReport } from '../storage/atomic-store.js';
import { shown } from '../errors.js';
import { applySpecs, split, unexpected, usage, UsageError, type FlagSpec } from './args.js';
import type { BatchOp, Command } from './registry.js';

let card: UsimModule | undefined;
/** One USIM module instance per process for the stateless algorithm exports. */
const algorithms = (): UsimModule => (card ??= new UsimModule());

const BITS = (name: string, values: string[]): FlagSpec => ({ name, kind: 'enum', values });
const MILENAGE_FLAGS: FlagSpec[] = [
  { name: 'k', kind: 'hex', len: 16, required: true }, { name: 'op', kind: 'hex', len: 16 }, { name: 'opc', kind: 'hex', len: 16 },
  { name: 'rand', kind: 'hex', len: 16, required: true }, { name: 'sqn', kind: 'hex', len: 6, required: true },
  { name: 'amf', kind: 'hex', len: 2, required: true },
];
const TUAK_PARAM_FLAGS: FlagSpec[] = [
  { name: 'iterations', kind: 'num', max: 255 }, BITS('mac-bits', ['64', '128', '256']), BITS('res-bits', ['32', '64', '128', '256']),
  BITS('ck-bits', ['128', '256']), BITS('ik-bits', ['128', '256']),
];
const TUAK_FLAGS: FlagSpec[] = [
  { name: 'k', kind: 'hex', required: true }, { name: 'top', kind: 'hex', len: 32 }, { name: 'topc', kind: 'hex', len: 32 },
  { name: 'rand', kind: 'hex', len: 16, required: true }, { name: 'sqn', kind: 'hex', len: 6, required: true },
  { name: 'amf', kind: 'hex', len: 2, required: true }, ...TUAK_PARAM_FLAGS,
];
/** Bound on waiting for another process's image lock (then exit 2 "image busy"). */
const WAIT: FlagSpec = { name: 'wait-ms', kind: 'num', max: 600_000 };
const INIT_FLAGS: FlagSpec[] = [
  { name: 'supi', kind: 'text', required: true }, { name: 'k', kind: 'hex', required: true }, { name: 'opc', kind: 'hex' }, { name: 'op', kind: 'hex' },
  { name: 'algo', kind: 'enum', values: ['milenage', 'tuak'] }, ...TUAK_PARAM_FLAGS, { name: 'force', kind: 'bool' }, { name: 'json', kind: 'bool' }, WAIT,
];
const SHOW_FLAGS: FlagSpec[] = [{ name: 'json', kind: 'bool' }, WAIT];
const CHECK_FLAGS: FlagSpec[] = [{ name: 'json', kind: 'bool' }, WAIT];
const AUTH_FLAGS: FlagSpec[] = [{ name: 'rand', kind: 'hex', len: 16, required: true }, { name: 'autn', kind: 'hex', required: true }, { name: 'json', kind: 'bool' }, WAIT];

/** `--k must be 16 or 32 bytes, got 15`. */
function needLen(flag: string, b: Uint8Array, ...lens: number[]): Uint8Array {
  if (!lens.includes(b.length)) throw new UsageError(flag, `must be ${lens.join(' or ')} bytes, got ${b.length}`, toHex(b));
  return b;
}
/** Exactly one of two flags (names as the caller knows them: flags or batch keys). */
function exactlyOne(a: Record<string, any>, x: string, y: string, nx: string, ny: string): void {
  if ((a[x] === undefined) === (a[y] === undefined)) throw new UsageError(`${nx}|${ny}`, `exactly one of ${nx} and ${ny} must be given, got ${a[x] === undefined ? 'neither' : 'both'}`);
}
/** TUAK parameters from parsed flags (defaults of TS 35.231 5.1 in module.ts). */
function tuakParams(a: Record<string, any>): TuakParams {
  if (a.iterations === 0) throw new UsageError('--iterations', 'must be 1–255, got 0');
  const n = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  return { iterations: a.iterations, macBits: n(a['mac-bits']), resBits: n(a['res-bits']), ckBits: n(a['ck-bits']), ikBits: n(a['ik-bits']) };
}
const out = (o: AkaOutputs, opcName: 'opc' | 'topc') => ({
  [opcName]: toHex(o.opc), mac_a: toHex(o.macA), mac_s: toHex(o.macS), res: toHex(o.res), ck: toHex(o.ck), ik: toHex(o.ik), ak: toHex(o.ak), ak_star: toHex(o.akStar),
});

function runMilenage(a: Record<string, any>, names = ['--op', '--opc']): Record<string, string> {
  exactlyOne(a, 'op', 'opc', names[0], names[1]);
  return out(algorithms().milenage({ k: a.k, op: a.op, opc: a.opc, rand: a.rand, sqn: a.sqn, amf: a.amf }), 'opc');
}
function runTuak(a: Record<string, any>, names = ['--top', '--topc']): Record<string, string> {
  needLen('--k', a.k, 16, 32);
  exactlyOne(a, 'top', 'topc', names[0], names[1]);
  return out(algorithms().tuak({ k: a.k, top: a.top, topc: a.topc, rand: a.rand, sqn: a.sqn, amf: a.amf, ...tuakParams(a) }), 'topc');
}

/** Flags of a command line with no positionals allowed. */
function flagsOnly(argv: string[], cmd: string): Map<string, string[]> {
  const p = split(argv, new Set(['json', 'help']));
  if (p.positionals.length) throw unexpected(cmd, p.positionals[0]);
  p.flags.delete('json'); // output is always JSON
  return p.flags;
}

const BATCH_MILENAGE = '{"op":"milenage","k":HEX,"op_value":HEX | "opc":HEX,"rand":HEX,"sqn":HEX,"amf":HEX}';
const BATCH_TUAK = '{"op":"tuak","k":HEX,"top"|"topc":HEX,"rand":HEX,"sqn":HEX,"amf":HEX[,"iterations":N,"mac_bits":64,…]}';

export const milenageCommand: Command = {
  name: 'milenage',
  summary: 'MILENAGE f1, f1*, f2–f5, f5* and OPc (TS 35.206) → JSON {opc, mac_a, mac_s, res, ck, ik, ak, ak_star}',
  usage: `ue-keys milenage --k HEX (--op HEX | --opc HEX) --rand HEX --sqn HEX --amf HEX\n` +
    `batch: ${BATCH_MILENAGE}\n  (the key "op" names the batch op, so OP goes under "op_value")`,
  run(argv) {
    console.log(JSON.stringify(runMilenage(applySpecs(MILENAGE_FLAGS, flagsOnly(argv, 'milenage'), 'milenage'))));
    return 0;
  },
};

export const tuakCommand: Command = {
  name: 'tuak',
  summary: 'TUAK f1, f1*, f2–f5, f5* and TOPc (TS 35.231) → JSON {topc, mac_a, mac_s, res, ck, ik, ak, ak_star}',
  usage: `ue-keys tuak --k HEX (--top HEX | --topc HEX) --rand HEX --sqn HEX --amf HEX [--iterations N] [--mac-bits 64|128|256] ` +
    `[--res-bits 32|64|128|256] [--ck-bits 128|256] [--ik-bits 128|256]\nbatch: ${BATCH_TUAK}`,
  run(argv) {
    console.log(JSON.stringify(runTuak(applySpecs(TUAK_FLAGS, flagsOnly(argv, 'tuak'), 'tuak'))));
    return 0;
  },
};

// ---------------------------------------------------------------------------------------------
// ue-keys usim init|show|authenticate IMAGE

function usimInit(image: string, a: Record<string, any>): number {
  if (!/^(imsi-)?[0-9]{6,15}$/i.test(a.supi)) throw new UsageError('--supi', `must be an IMSI of 6..15 digits, got ${shown(a.supi)}`, a.supi);
  const algo: 'milenage' | 'tuak' = a.algo ?? 'milenage';
  const tuak = algo === 'tuak';
  if (!tuak) for (const f of TUAK_PARAM_FLAGS) if (a[f.name] !== undefined) throw new UsageError(`--${f.name}`, 'applies to --algo tuak only');
  needLen('--k', a.k, ...(tuak ? [16, 32] : [16]));
  exactlyOne(a, 'op', 'opc', '--op', '--opc');
  if (a.op) needLen('--op', a.op, tuak ? 32 : 16);
  if (a.opc) needLen('--opc', a.opc, tuak ? 32 : 16);
  const usim = Usim.create(image, { supi: a.supi, k: a.k, op: a.op, opc: a.opc, algo, tuak: tuak ? tuakParams(a) : undefined, force: a.force === true, waitMs: a['wait-ms'] });
  const v = usim.show();
  usim.powerOff();
  if (a.json) console.log(JSON.stringify({ image, supi: v.supi, algorithm: v.algorithm }));
  else console.log(`USIM image ${image}: SUPI ${v.supi}, ${describeAlgorithm(v)}`);
  return 0;
}

function describeAlgorithm(v: UsimView): string {
  const a = v.algorithm;
  return `${a.name} (K ${a.kBits} bits${a.iterations ? `, ${a.iterations} Keccak iteration(s)` : ''}, MAC ${a.macBits}, RES ${a.resBits}, CK ${a.ckBits}, IK ${a.ikBits})`;
}

/** `a.b.c  value` lines of a nested object. */
function flatten(o: Record<string, unknown>, prefix = ''): [string, string][] {
  const rows: [string, string][] = [];
  for (const [k, v] of Object.entries(o)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) rows.push(...flatten(v as Record<string, unknown>, `${prefix}${k}.`));
    else rows.push([`${prefix}${k}`, Array.isArray(v) ? v.join(' ') : String(v)]);
  }
  return rows;
}

function usimShow(image: string, a: Record<string, any>): number {
  const usim = Usim.open(image, { access: 'read', waitMs: a['wait-ms'] });
  const v = usim.show();
  usim.powerOff();
  if (a.json) { console.log(JSON.stringify(v)); return 0; }
  const s = v.sqn;
  const lines = [
    `USIM image ${image} (generation ${v.imageSequence})`,
    `SUPI       ${v.supi}`,
    `algorithm  ${describeAlgorithm(v)}`,
    `SQN        IND ${s.indBits} bits, Δ ${s.delta}, L ${s.ageLimit}${s.ageLimit ? '' : ' (not applied)'}, SQN_MS ${s.sqnMs} (TS 33.102 Annex C)`,
    `SEQ_MS     ${s.seqMs.map((x, i) => `${i}:${x}`).join(' ')}`,
  ];
  for (const f of v.files) {
    lines.push('', `${f.name} (${f.fid}${f.record === undefined ? '' : ` record ${f.record}`}, ${f.clause})`, `  hex  ${f.hex}`);
    const rows = flatten(f.fields);
    const w = Math.max(0, ...rows.map((r) => r[0].length));
    for (const [k, x] of rows) lines.push(`  ${k.padEnd(w)}  ${x}`);
  }
  lines.push('', `card state: ${v.cardState.bytes} bytes, ${v.cardState.note}`);
  console.log(lines.join('\n'));
  return 0;
}

function usimAuthenticate(image: string, a: Record<string, any>): number {
  const usim = Usim.open(image, { access: 'write', waitMs: a['wait-ms'] });
  try {
    const mac = usim.show().algorithm.macBits / 8;
    needLen('--autn', a.autn, 8 + mac);
    const r = usim.authenticate(a.rand, a.autn);
    const o: Record<string, string> = r.kind === 'ok' ? { result: 'ok', res: toHex(r.res), ck: toHex(r.ck), ik: toHex(r.ik) }
      : r.kind === 'sync-failure' ? { result: 'sync-failure', auts: toHex(r.auts) } : { result: 'mac-failure' };
    if (a.json) console.log(JSON.stringify(o));
    else { const w = Math.max(...Object.keys(o).map((k) => k.length)); for (const [k, x] of Object.entries(o)) console.log(`${k.padEnd(w)}  ${x}`); }
    return 0;
  } finally { if (usim.poweredOn) usim.powerOff(); }
}

/** Exit status of `usim check` (README "USIM image files"): scripts branch on it. */
export const CHECK_EXIT = { ok: 0, unusable: 2, degraded: 3 } as const;

function usimCheck(image: string, a: Record<string, any>): number {
  const r: ImageReport = checkUsimImage(image, { waitMs: a['wait-ms'] });
  const usable = r.status === 'ok';
  const other = r.current === null ? null : r.banks[1 - r.current];
  // Degraded: usable, but the other bank holds neither the previous generation nor nothing.
  const degraded = usable && other !== null && !(other.state === 'intact' || other.state === 'erased');
  const code = !usable ? CHECK_EXIT.unusable : degraded ? CHECK_EXIT.degraded : CHECK_EXIT.ok;
  const verdict = !usable ? (r.status === 'corrupt' ? 'corrupt' : r.status === 'blank' ? 'blank' : 'not-a-usim-image')
    : degraded ? 'usable, previous generation not kept' : 'usable';
  const banks = r.banks.map((b) => ({
    bank: b.bank, state: b.state, ...(b.generation === undefined ? {} : { generation: b.generation.toString() }),
    ...(b.superseded === undefined ? {} : { superseded: b.superseded }), ...(b.detail === undefined ? {} : { detail: b.detail }),
    role: b.bank === r.current ? 'current' : r.current !== null && b.state === 'intact' ? 'previous' : 'unused',
  }));
  if (a.json) {
    console.log(JSON.stringify({ image, verdict, exit: code, current: r.current, generation: r.generation?.toString() ?? null, banks, message: r.message }));
  } else {
    const lines = [`USIM image ${image}: ${verdict} (exit ${code})`];
    for (const b of banks) {
      lines.push((`  bank ${b.bank}  ${b.state.padEnd(11)}${b.generation === undefined ? '' : `  generation ${b.generation}`}` +
        `${b.role === 'unused' ? '' : `  (${b.role})`}${b.detail ? `  ${b.detail}` : ''}`).trimEnd());
    }
    lines.push(`  ${r.message}`);
    console.log(lines.join('\n'));
  }
  return code;
}

const SUBCOMMANDS: Record<string, [FlagSpec[], (image: string, a: Record<string, any>) => number]> = {
  init: [INIT_FLAGS, usimInit], show: [SHOW_FLAGS, usimShow], authenticate: [AUTH_FLAGS, usimAuthenticate], check: [CHECK_FLAGS, usimCheck],
};

export const usimCommand: Command = {
  name: 'usim',
  summary: 'a USIM image file: init (personalise), show (decoded files, never K/OPc), authenticate (TS 33.102 6.3.3, SQN kept in the image), check (banks)',
  usage: [
    `ue-keys usim init IMAGE --supi IMSI --k HEX (--opc HEX | --op HEX) [--algo milenage|tuak] ${usage(TUAK_PARAM_FLAGS)} [--force] [--json]`,
    '  (TUAK: --opc is TOPc and --op is TOP, 32 bytes; --op derives OPc/TOPc on the card; an existing IMAGE is kept unless --force)',
    'ue-keys usim show IMAGE [--json]',
    'ue-keys usim authenticate IMAGE --rand HEX --autn HEX [--json]',
    '  → res/ck/ik, or the synchronisation failure with auts, or the MAC failure (exit 0; JSON key "result")',
    'ue-keys usim check IMAGE [--json]',
    '  → which banks are intact; exit 0 usable (both generations or a fresh image), 3 usable but the previous',
    '    generation is not kept (damaged or an interrupted update), 2 not usable (corrupt, blank, not an image)',
    '  every subcommand takes [--wait-ms N]: how long to wait for another process\'s lock (default 10000), then exit 2 "image busy"',
  ].join('\n'),
  run(argv) {
    const p = split(argv, new Set(['json', 'force', 'help']));
    const [sub, image, ...extra] = p.positionals;
    const entry = sub !== undefined && Object.hasOwn(SUBCOMMANDS, sub) ? SUBCOMMANDS[sub] : undefined;
    if (!entry) throw new UsageError('SUBCOMMAND', `must be one of ${Object.keys(SUBCOMMANDS).join(', ')}, got ${shown(sub ?? '')}`);
    if (image === undefined) throw new UsageError('IMAGE', `is required for usim ${sub}`);
    if (extra.length) throw unexpected(`usim ${sub}`, extra[0]);
    return entry[1](image, applySpecs(entry[0], p.flags, `usim ${sub}`));
  },
};

export const usimCommands: Command[] = [milenageCommand, tuakCommand, usimCommand];

/** Batch object → raw flags: "op" dropped, "_" read as "-", `rename` maps batch keys to flag names. */
function batchFlags(o: Record<string, any>, rename: Record<string, string> = {}): Map<string, unknown[]> {
  const m = new Map<string, unknown[]>();
  for (const [key, v] of Object.entries(o)) {
    if (key === 'op') continue;
    const name = (Object.hasOwn(rename, key) ? rename[key] : undefined) ?? key.replace(/^--/, '').replace(/_/g, '-');
    if (m.has(name)) throw new UsageError(key, `repeats ${name}`);
    m.set(name, [v]);
  }
  return m;
}

export const usimBatchOps: BatchOp[] = [
  { op: 'milenage', run: (o) => runMilenage(applySpecs(MILENAGE_FLAGS, batchFlags(o, { op_value: 'op', op_: 'op' }), 'batch milenage (OP under "op_value")'), ['op_value', 'opc']) },
  { op: 'tuak', run: (o) => runTuak(applySpecs(TUAK_FLAGS, batchFlags(o), 'batch tuak'), ['top', 'topc']) },
];
