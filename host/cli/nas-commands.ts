/**
 * `ue-keys nas mac|cipher|protect|unprotect` and the batch ops nas-mac / nas-cipher.
 * mac/cipher run one 128-NIA/NEA call (TS 33.501 Annex D) with COUNT, BEARER, DIRECTION and a
 * LENGTH in bits; protect/unprotect run whole 5GMM messages through a UE security context built
 * from a KAMF (TS 24.501 4.4, 9.1/9.3).
 */
import { instantiateSync, type UeModule } from '../firmware/loader.js';
import { variantFile } from '../firmware/variant.js';
import { nasCipher, nasMac } from '../firmware/nas-algorithms.js';
import { UeFirmware } from '../firmware/ue-firmware.js';
import { toHex } from '../hex.js';
import { NetworkNasContext, type NetAccess } from '../network/nas-security.js';
import { shown } from '../errors.js';
import { applySpecs, split, unexpected, usage, UsageError, type FlagSpec } from './args.js';
import { objectToFlags } from './kdf-commands.js';
import type { BatchOp, Command } from './registry.js';

let fw: UeModule | undefined;
// the build of the global --variant (host/cli/variant-flag.ts), fast by default
const module = () => (fw ??= instantiateSync(variantFile('ue')));

const algFlags = (prefix: 'nia' | 'nea'): FlagSpec[] => [
  { name: 'alg', kind: 'enum', values: [0, 1, 2, 3].map((i) => `${prefix}${i}`), required: true },
  { name: 'key', kind: 'hex', len: 16, required: true },
  { name: 'count', kind: 'num', required: true },
  { name: 'bearer', kind: 'num', max: 31, required: true },
  { name: 'direction', kind: 'num', max: 1, required: true },
  { name: 'msg', kind: 'hex', required: true },
  { name: 'bits', kind: 'num' },
];
const MAC_FLAGS = algFlags('nia'), CIPHER_FLAGS = algFlags('nea');

const ctxFlags: FlagSpec[] = [
  { name: 'kamf', kind: 'hex', len: 32, required: true },
  { name: 'nea', kind: 'num', max: 3, required: true },
  { name: 'nia', kind: 'num', max: 3, required: true },
  { name: 'ngksi', kind: 'num', max: 6 },
  { name: 'access', kind: 'enum', values: ['3gpp', 'non3gpp'] },
  { name: 'msg', kind: 'hex', required: true },
];
const PROTECT_FLAGS: FlagSpec[] = [...ctxFlags, { name: 'sht', kind: 'enum', values: ['1', '2', '3', '4'] }, { name: 'ul-count', kind: 'num', max: 0xffffff },
  { name: 'direction', kind: 'enum', values: ['ul', 'dl'], help: 'ul: the UE firmware protects (default); dl: the network model (node:crypto) protects a downlink message' },
  { name: 'dl-count', kind: 'num', max: 0xffffff }];
const UNPROTECT_FLAGS: FlagSpec[] = [...ctxFlags, { name: 'last-dl-count', kind: 'num', max: 0xffffff }];

function algCall(kind: 'mac' | 'cipher', a: Record<string, any>): Record<string, string> {
  const input = { alg: Number(a.alg.slice(3)), key: a.key, count: a.count, bearer: a.bearer, direction: a.direction, message: a.msg, bits: a.bits };
  if (input.bits !== undefined && input.bits > a.msg.length * 8) throw new UsageError('--bits', `must be at most 8 × the message length (${a.msg.length * 8}), got ${input.bits}`);
  return kind === 'mac' ? { mac: toHex(nasMac(module(), input)) } : { output: toHex(nasCipher(module(), input)) };
}

/** A one-shot UE with a full native context from the given KAMF and algorithms. */
function ueWith(a: Record<string, any>): UeFirmware {
  const ue = new UeFirmware(module());
  if (a.nia === 0) ue.configure({ ueSecurityCapabilities: Uint8Array.of(0x80, 0x80), emergency: true });
  ue.install('current', { kamf: a.kamf, ngKsi: a.ngksi ?? 0, type: 'full-native', nea: a.nea, nia: a.nia });
  return ue;
}

/** A downlink message as the AMF sends it (TS 24.501 4.4.3, 9.1): the network model of
 *  host/network/nas-security.ts (node:crypto; 128-NEA2/NIA2 or null), not the UE firmware, so the
 *  UE's `nas unprotect` checks it against an independent implementation. SHT 1, 2 or 3 (SMC). */
function protectDownlinkCall(a: Record<string, any>): Record<string, unknown> {
  if (a['ul-count'] !== undefined) throw new UsageError('--ul-count', 'applies to --direction ul; use --dl-count');
  const sht = Number(a.sht ?? 2);
  if (sht === 4) throw new UsageError('--sht', 'must be 1, 2 or 3 for a downlink message (4 is the SECURITY MODE COMPLETE, uplink), got 4');
  const net = new NetworkNasContext(a.kamf, a.ngksi ?? 0, a.nea, a.nia);
  const access = a.access ?? '3gpp';
  net.dlNext[access as NetAccess] = a['dl-count'] ?? 0;
  const out = net.protectDownlink(sht as 1 | 2 | 3, a.msg, access);
  return { message: toHex(out.message), dl_count: out.count, knasenc: toHex(net.knasenc), knasint: toHex(net.knasint) };
}

function protectCall(a: Record<string, any>): Record<string, unknown> {
  if (a.direction === 'dl') return protectDownlinkCall(a);
  if (a['dl-count'] !== undefined) throw new UsageError('--dl-count', 'applies to --direction dl');
  if (a.sht === '3') throw new UsageError('--sht', 'must be 1, 2 or 4 for an uplink message (3 is the SECURITY MODE COMMAND, downlink), got 3');
  const ue = ueWith(a);
  const access = a.access ?? '3gpp';
  ue.setCounts('current', access, a['ul-count'] ?? 0, 0, false);
  const out = ue.protect('current', access, Number(a.sht ?? 2) as 1 | 2 | 4, a.msg);
  const ctx = ue.read('current');
  ue.wipe('current');
  return { message: toHex(out.message), ul_count: out.count, knasenc: toHex(ctx.knasenc), knasint: toHex(ctx.knasint) };
}

function unprotectCall(a: Record<string, any>): Record<string, unknown> {
  const ue = ueWith(a);
  const access = a.access ?? '3gpp';
  if (a['last-dl-count'] !== undefined) ue.setCounts('current', access, 0, a['last-dl-count'], true);
  try {
    const out = ue.unprotect('current', access, a.msg);
    return { message: toHex(out.message), dl_count: out.count };
  } finally { ue.wipe('current'); }
}

const subcommands: Record<string, { flags: FlagSpec[]; run: (a: Record<string, any>) => Record<string, unknown>; plain: string }> = {
  mac: { flags: MAC_FLAGS, run: (a) => algCall('mac', a), plain: 'mac' },
  cipher: { flags: CIPHER_FLAGS, run: (a) => algCall('cipher', a), plain: 'output' },
  protect: { flags: PROTECT_FLAGS, run: protectCall, plain: 'message' },
  unprotect: { flags: UNPROTECT_FLAGS, run: unprotectCall, plain: 'message' },
};

function help(): string {
  return ['ue-keys nas SUBCOMMAND [--flag VALUE]... [--json]', '',
    ...Object.entries(subcommands).map(([n, s]) => `  nas ${n.padEnd(9)} ${usage(s.flags)}`), '',
    'mac prints the 32-bit NAS-MAC as 8 hex digits; cipher prints ceil(bits/8) bytes (bits past LENGTH zero).',
    'protect: UE uplink message with security header type --sht (1 integrity, 2 integrity+ciphering, 4 new context),',
    '  UL NAS COUNT --ul-count (default 0); --json adds the COUNT and the derived KNASenc/KNASint.',
    '  --direction dl: the network model protects a downlink message instead (--sht 1|2|3, DL NAS COUNT --dl-count,',
    '  128-NEA2/NIA2 or null only), e.g. as input for unprotect.',
    'unprotect: downlink message (header type 1 or 2); --last-dl-count is the last DL COUNT already accepted.',
    'BEARER is the NAS connection identifier: 1 for 3GPP access, 2 for non-3GPP access (TS 33.501 6.4.2.2).'].join('\n');
}

export const nasCommand: Command = {
  name: 'nas',
  summary: 'NAS security: 128-NIA/NEA (mac, cipher) and whole-message protect/unprotect',
  usage: 'ue-keys nas mac|cipher|protect|unprotect …   (ue-keys nas --help)',
  run(argv) {
    const p = split(argv, new Set(['json', 'help']));
    const [sub, ...extra] = p.positionals;
    if (p.flags.has('help')) { console.log(help()); return 0; }
    // no SUBCOMMAND: usage on stderr, exit 2 (issue 17)
    if (!sub) { process.stderr.write(help() + '\n'); return 2; }
    // own keys only: "constructor" or "toString" is an unknown subcommand, not Object's method
    const s = Object.hasOwn(subcommands, sub) ? subcommands[sub] : undefined;
    if (!s) throw new UsageError('SUBCOMMAND', `must be one of ${Object.keys(subcommands).join(', ')}, got ${shown(sub)}`);
    if (extra.length) throw unexpected(`nas ${sub}`, extra[0]);
    const json = p.flags.has('json'); p.flags.delete('json');
    const r = s.run(applySpecs(s.flags, p.flags, `nas ${sub}`));
    console.log(json ? JSON.stringify(r) : String(r[s.plain]));
    return 0;
  },
};

const batchArgs = (o: Record<string, any>) => { const { op: _op, ...rest } = o; return objectToFlags(rest); };
export const nasBatchOps: BatchOp[] = [
  { op: 'nas-mac', run: (o) => algCall('mac', applySpecs(MAC_FLAGS, batchArgs(o), 'nas-mac')) },
  { op: 'nas-cipher', run: (o) => algCall('cipher', applySpecs(CIPHER_FLAGS, batchArgs(o), 'nas-cipher')) },
];
