/**
 * host/firmware/abi.generated.ts: the TypeScript view of both firmware modules, generated in the
 * same step as build/ue_keys.h (host/tools/gen-header.mjs) so that tsc checks every host wrapper
 * against the modules it drives. What the binaries export (describeModule: export signatures with
 * the debug build's parameter names, *_PTR/*_LEN regions, constants such as NAS_OUT_MSG_OFF and
 * IW_OUT_*, STATUS_* codes) is read from build/*.wasm; the layouts the modules use but do not
 * export as globals (slot fields, SMC output header and flag bits, UE_STATE flags, the SRVCC
 * context) are read from the `const` declarations of assembly/ that the firmware is compiled
 * from, by name, so a renamed or moved constant fails the build instead of drifting.
 * tests/abi/abi-generated.test.ts regenerates the text and compares it with the tracked file.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeModule, type ModuleAbi } from '../inspect/abi.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Path of the generated file, relative to the repository. */
export const ABI_TS_PATH = 'host/firmware/abi.generated.ts';

/**
 * Layouts taken from the firmware sources: group name → the constants it lists (assembly names;
 * the generated key drops `prefix`). Each name must be declared exactly once in assembly/ (or
 * every declaration must agree).
 */
const SOURCE_GROUPS: ReadonlyArray<{ group: string; doc: string; prefix: string; names: readonly string[] }> = [
  { group: 'SLOT', prefix: 'SLOT_', doc: 'Slot numbers of ctx_install/ctx_read/ctx_wipe (TS 33.501 6.2.3.2 contexts; SRVCC reads the mapped SRVCC (CS) context).',
    names: ['SLOT_CURRENT', 'SLOT_NEW', 'SLOT_NON_CURRENT', 'SLOT_MAPPED', 'SRVCC_SLOT'] },
  { group: 'CTX_TYPE', prefix: 'CTX_', doc: 'Context type octet of a slot.', names: ['CTX_NONE', 'CTX_PARTIAL_NATIVE', 'CTX_FULL_NATIVE', 'CTX_MAPPED'] },
  { group: 'SLOT_OFF', prefix: 'OFF_', doc: 'Field offsets inside one CTX_SLOT_SIZE-byte slot as ctx_read returns it (COUNTs: u32 little-endian, 3GPP then non-3GPP).',
    names: ['OFF_TYPE', 'OFF_NGKSI', 'OFF_ALGS', 'OFF_EPS_ALGS', 'OFF_FLAGS', 'OFF_NCC', 'OFF_UL_COUNT', 'OFF_DL_COUNT', 'OFF_KAMF', 'OFF_KNASENC', 'OFF_KNASINT', 'OFF_KGNB', 'OFF_NH'] },
  { group: 'SMC_OUT', prefix: 'SMC_OUT_', doc: 'IO_OUT header of smc_process/smc_reject (u32 fields little-endian); the response message follows at RESP.',
    names: ['SMC_OUT_RESULT', 'SMC_OUT_CAUSE', 'SMC_OUT_FLAGS', 'SMC_OUT_NGKSI', 'SMC_OUT_RESP_LEN', 'SMC_OUT_DL_COUNT', 'SMC_OUT_UL_COUNT', 'SMC_OUT_RESP'] },
  { group: 'SMC_FLAG', prefix: 'SMC_F_', doc: 'Bits of the SMC_OUT.FLAGS octet.',
    names: ['SMC_F_HDP', 'SMC_F_RINMR', 'SMC_F_IMEISV_REQUESTED', 'SMC_F_NEW_KAMF', 'SMC_F_EPS_ALGS', 'SMC_F_OLD_KEPT'] },
  { group: 'UE_STATE_OFF', prefix: '', doc: 'Offsets inside UE_STATE as ue_state_read returns it.', names: ['FLAGS_OFF', 'REG_COUNT_OFF', 'REG_ACCESS_OFF'] },
  { group: 'UE_FLAG', prefix: 'FLAG_', doc: 'Bits of the UE_STATE flags octet (UE_STATE_OFF.FLAGS_OFF).',
    names: ['FLAG_EMERGENCY', 'FLAG_REGISTERING', 'FLAG_REG_COUNT', 'FLAG_OLD_KEPT', 'FLAG_REAUTH_REQUIRED'] },
  { group: 'SRVCC_OFF', prefix: 'SRVCC_', doc: 'Field offsets of the mapped SRVCC (CS) context as ctx_read(SLOT.SRVCC_SLOT) returns it.',
    names: ['SRVCC_VALID', 'SRVCC_KSI', 'SRVCC_VARIANT', 'SRVCC_FC', 'SRVCC_COUNT', 'SRVCC_CK', 'SRVCC_IK'] },
  { group: 'COUNT', prefix: '', doc: 'The "no COUNT" value of the firmware outputs (host/types.ts NO_COUNT is the host\'s name for it).', names: ['COUNT_INVALID'] },
  { group: 'USIM_NVM', prefix: 'P_', doc: 'build/usim.wasm: byte offsets in the NVM image (PERSIST) that usim_restore takes and the host saves.',
    names: ['P_FORMAT', 'P_PERSONALISED', 'P_ALGO', 'P_K_LEN', 'P_ITERATIONS', 'P_MAC_LEN', 'P_RES_LEN', 'P_CK_LEN', 'P_IK_LEN', 'P_IND_BITS', 'P_DELTA', 'P_AGE_LIMIT', 'P_SQN_MS', 'P_K', 'P_OPC', 'P_SEQ_MS'] },
];
/** Generated keys that are not the assembly name minus the group prefix. */
const KEY_OF: Record<string, string> = { SRVCC_SLOT: 'SRVCC' };

function assemblyFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...assemblyFiles(p)); else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out.sort();
}

/** Every `[export] const NAME: type = expr;` of assembly/, by name (expr as written). */
function sourceConstants(): Map<string, Array<{ file: string; expr: string }>> {
  const m = new Map<string, Array<{ file: string; expr: string }>>();
  for (const f of assemblyFiles(join(ROOT, 'assembly'))) {
    const src = readFileSync(f, 'utf8');
    for (const x of src.matchAll(/^(?:export\s+)?const\s+(\w+)\s*:\s*\w+\s*=\s*([^;\n]+);/gm)) {
      const list = m.get(x[1]) ?? [];
      list.push({ file: relative(ROOT, f), expr: x[2].replace(/\/\/.*$/, '').trim() });
      m.set(x[1], list);
    }
  }
  return m;
}

/** The value of a source constant: an integer literal, or another constant's name. */
function resolve(consts: Map<string, Array<{ file: string; expr: string }>>, name: string, seen: string[] = []): number {
  const decl = consts.get(name);
  if (!decl) throw new Error(`abi.generated.ts: assembly/ declares no constant ${name}${seen.length ? ` (needed by ${seen.join(' ← ')})` : ''}`);
  const values = new Set(decl.map((d) => {
    const e = d.expr.replace(/^<\w+>/, '');
    if (/^(0x[0-9a-f]+|\d+)$/i.test(e)) return Number(e);
    if (/^\w+$/.test(e) && !seen.includes(e)) return resolve(consts, e, [...seen, name]);
    throw new Error(`abi.generated.ts: ${d.file}: ${name} = ${d.expr} is neither an integer nor a constant's name`);
  }));
  if (values.size !== 1) throw new Error(`abi.generated.ts: ${name} has ${values.size} different values in assembly/ (${decl.map((d) => d.file).join(', ')})`);
  return [...values][0];
}

const RESERVED = new Set(['in', 'out', 'function', 'default', 'new', 'delete', 'var', 'let', 'const', 'class', 'return', 'this', 'type']);
const param = (p: string) => (RESERVED.has(p) ? `${p}_` : p);
const hex = (v: number) => (v > 255 ? `0x${v.toString(16)}` : String(v));

function moduleBlock(prefix: string, file: string, abi: ModuleAbi): string[] {
  const L: string[] = [];
  const cap = prefix === 'UE' ? 'Ue' : 'Usim';
  L.push(`/** ${file}: exported regions (X_PTR, X_LEN) and constants (field lengths, output offsets). */`, `export const ${prefix} = {`);
  for (const r of abi.regions) L.push(`  ${r.name}_PTR: ${hex(r.ptr)}, ${r.name}_LEN: ${r.len},`);
  const regionNames = new Set(abi.regions.map((r) => r.name));
  for (const c of abi.constants) L.push(`  ${c.name}: ${c.value},`);
  // describeModule pairs X_LEN with X_PTR; a X_LEN without a X_PTR is a plain constant.
  const inst = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(join(ROOT, file))), {});
  for (const [k, v] of Object.entries(inst.exports)) {
    if (v instanceof WebAssembly.Global && k.endsWith('_LEN') && !regionNames.has(k.slice(0, -4))) L.push(`  ${k}: ${Number(v.value)},`);
  }
  L.push('} as const;', '');
  L.push(`/** ${file}: every exported function. Pointer parameters are offsets into IO_IN; the result is a STATUS code. */`,
    `export interface ${cap}Exports {`);
  for (const f of abi.functions) L.push(`  ${f.name}(${f.params.map((p) => `${param(p)}: number`).join(', ')}): number;`);
  L.push('}', '', `/** The export names of ${file}, in module order. */`, `export const ${prefix}_EXPORTS: ReadonlyArray<keyof ${cap}Exports> = [`);
  for (let i = 0; i < abi.functions.length; i += 6) L.push('  ' + abi.functions.slice(i, i + 6).map((f) => `'${f.name}'`).join(', ') + ',');
  L.push('];', '');
  return L;
}

/** The text of host/firmware/abi.generated.ts for the modules in build/ and the sources in assembly/. */
export function abiTsText(): string {
  const ue = describeModule('ue'), usim = describeModule('usim');
  const L: string[] = [
    '// GENERATED by host/tools/abi-ts.ts (run by `npm run build`, host/tools/gen-header.mjs) from build/ue.wasm,',
    '// build/usim.wasm (exports, parameter names of the debug builds, exported globals) and the const',
    '// declarations of assembly/ for the layouts the modules do not export. Do not edit by hand;',
    '// tests/abi/abi-generated.test.ts fails when this file and the modules differ.',
    '/* eslint-disable */',
    '',
  ];
  const codes = new Map<string, number>();
  for (const s of [...ue.statuses, ...usim.statuses]) {
    if (codes.has(s.name) && codes.get(s.name) !== s.code) throw new Error(`STATUS_${s.name}: two codes`);
    codes.set(s.name, s.code);
  }
  L.push('/** Status codes (STATUS_* globals): 0 = success; any other: the call was rejected and changed no state. */', 'export const STATUS = {');
  for (const [n, c] of [...codes].sort((a, b) => a[1] - b[1])) L.push(`  ${n}: ${c},`);
  L.push('} as const;', '');
  L.push(...moduleBlock('UE', 'build/ue.wasm', ue), ...moduleBlock('USIM', 'build/usim.wasm', usim));
  const consts = sourceConstants();
  L.push('// ---- Layouts the modules use but do not export as globals (read from assembly/ by name).', '');
  for (const g of SOURCE_GROUPS) {
    const files = [...new Set(g.names.flatMap((n) => consts.get(n)?.map((d) => d.file) ?? []))].join(', ');
    L.push(`/** ${g.doc} (${files}) */`, `export const ${g.group} = {`);
    for (const n of g.names) L.push(`  ${KEY_OF[n] ?? (n.startsWith(g.prefix) ? n.slice(g.prefix.length) : n)}: ${hex(resolve(consts, n))},`);
    L.push('} as const;', '');
  }
  return L.join('\n');
}

/** Write host/firmware/abi.generated.ts; returns its path. */
export function writeAbiTs(): string {
  const path = join(ROOT, ABI_TS_PATH);
  writeFileSync(path, abiTsText());
  return path;
}
