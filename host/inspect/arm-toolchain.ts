/**
 * Building and running the wasm2c translation of the firmware on each profile target
 * (host/tools/arm/: minimal runtime, harness, start-up code, linker script, QEMU counting plugin).
 *
 *   cortex-m4   arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb, newlib-nano, qemu-system-arm -M mps2-an386
 *   cortex-m33  arm-none-eabi-gcc -mcpu=cortex-m33 -mthumb, qemu-system-arm -M mps2-an505 (Secure state)
 *   cortex-a7   arm-linux-gnueabihf-gcc -mcpu=cortex-a7 -mthumb -static, qemu-arm -cpu cortex-a7
 *   x86-64      gcc, valgrind --tool=callgrind --zero-before=marker_on --dump-before=marker_off
 *
 * Bounds-check variants (compile time; Cortex-M has no MMU, so no guard pages):
 *   stock  wasm2c's own: a 64-bit range check per access and the call-depth counter
 *   mask   every address masked with 0xffff (stays in the page, wraps instead of trapping)
 *   none   no check (what a guard-page build does on a 64-bit host)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../errors.js';
import { buildPath, wasmPath } from '../firmware/loader.js';
import { moduleFile, type Variant } from './arm-record.js';

export const TARGETS = ['cortex-m4', 'cortex-m33', 'cortex-a7', 'x86-64'] as const;
export const CHECKS = ['stock', 'mask', 'none'] as const;
export const OPTS = ['Os', 'O2'] as const;
export type Target = (typeof TARGETS)[number];
export type Checks = (typeof CHECKS)[number];
export type Opt = (typeof OPTS)[number];

/** A missing tool: one line naming the Debian packages (main.ts prints it, exit 2). */
export class ToolsMissing extends InputError {}

interface TargetInfo { cc: string; size: string; nm: string; cflags: string[]; ldflags: string[]; run: 'qemu-system' | 'qemu-user' | 'callgrind'; packages: string[]; tools: string[] }

const M_LD = (flash: string, ram: string) => ['-nostartfiles', '--specs=nano.specs', '-Wl,--gc-sections', `-Wl,--defsym=FLASH_ORIGIN=${flash}`, `-Wl,--defsym=RAM_ORIGIN=${ram}`];
export const TARGET_INFO: Record<Target, TargetInfo> = {
  'cortex-m4': { cc: 'arm-none-eabi-gcc', size: 'arm-none-eabi-size', nm: 'arm-none-eabi-nm', cflags: ['-mcpu=cortex-m4', '-mthumb', '-mfloat-abi=soft'], ldflags: M_LD('0x00000000', '0x20000000'), run: 'qemu-system', packages: ['gcc-arm-none-eabi', 'libnewlib-arm-none-eabi', 'qemu-system-arm'], tools: ['arm-none-eabi-gcc', 'qemu-system-arm'] },
  'cortex-m33': { cc: 'arm-none-eabi-gcc', size: 'arm-none-eabi-size', nm: 'arm-none-eabi-nm', cflags: ['-mcpu=cortex-m33', '-mthumb', '-mfloat-abi=soft'], ldflags: M_LD('0x10000000', '0x38000000'), run: 'qemu-system', packages: ['gcc-arm-none-eabi', 'libnewlib-arm-none-eabi', 'qemu-system-arm'], tools: ['arm-none-eabi-gcc', 'qemu-system-arm'] },
  'cortex-a7': { cc: 'arm-linux-gnueabihf-gcc', size: 'arm-linux-gnueabihf-size', nm: 'arm-linux-gnueabihf-nm', cflags: ['-mcpu=cortex-a7', '-mthumb'], ldflags: ['-static'], run: 'qemu-user', packages: ['gcc-arm-linux-gnueabihf', 'libc6-dev-armhf-cross', 'qemu-user'], tools: ['arm-linux-gnueabihf-gcc', 'qemu-arm'] },
  'x86-64': { cc: 'gcc', size: 'size', nm: 'nm', cflags: [], ldflags: [], run: 'callgrind', packages: ['gcc', 'valgrind'], tools: ['gcc', 'valgrind'] },
};

const CHECK_DEFS: Record<Checks, string[]> = {
  stock: ['-DWASM_RT_MEMCHECK_SIGNAL_HANDLER=0', '-DWASM_RT_USE_STACK_DEPTH_COUNT=1'],
  mask: ['-DWASM_RT_MEMCHECK_SIGNAL_HANDLER=1', '-DWASM_RT_SKIP_SIGNAL_RECOVERY=1', '-DWASM_RT_USE_STACK_DEPTH_COUNT=0'],
  none: ['-DWASM_RT_MEMCHECK_SIGNAL_HANDLER=1', '-DWASM_RT_SKIP_SIGNAL_RECOVERY=1', '-DWASM_RT_USE_STACK_DEPTH_COUNT=0'],
};

/** host/tools/arm/ (next to the sources, or from the bundle in build/). */
export function armSourceDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const c = [join(here, '..', 'tools', 'arm'), join(here, '..', 'host', 'tools', 'arm'), join(process.cwd(), 'host', 'tools', 'arm')].find((d) => existsSync(join(d, 'harness.c')));
  if (!c) throw new Error('host/tools/arm/harness.c not found (run from the repository)');
  return c;
}

const has = (cmd: string, args = ['--version']) => { try { return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0; } catch { return false; } };

/** Every package the targets need, checked up front: the error names all that are missing. */
export function checkTools(targets: readonly Target[]): void {
  const missing = new Set<string>();
  if (!wabt()) missing.add('wabt');
  if (!has('gcc')) missing.add('gcc'); // the QEMU plugin is built with the host compiler
  for (const t of targets) {
    const i = TARGET_INFO[t];
    if (!has(i.cc)) for (const p of i.packages.filter((p) => p.startsWith('gcc') || p.startsWith('lib'))) missing.add(p);
    // the C library (--no-install-recommends leaves it out of gcc-arm-linux-gnueabihf)
    if (i.run === 'qemu-user' && has(i.cc) && !(spawnSync(i.cc, ['-print-file-name=libc.a'], { encoding: 'utf8' }).stdout ?? '').trim().startsWith('/')) missing.add('libc6-dev-armhf-cross');
    if (i.run === 'qemu-system' && !has('qemu-system-arm')) missing.add('qemu-system-arm');
    if (i.run === 'qemu-system' && has(i.cc)) {
      const lib = spawnSync(i.cc, [...i.cflags, '--specs=nano.specs', '-print-file-name=libc_nano.a'], { encoding: 'utf8' }).stdout?.trim() ?? '';
      if (!lib.startsWith('/')) missing.add('libnewlib-arm-none-eabi');
    }
    if (i.run === 'qemu-user' && !has('qemu-arm')) missing.add('qemu-user');
    if (i.run === 'callgrind' && !has('valgrind')) missing.add('valgrind');
  }
  if (missing.size) {
    const list = [...missing].sort().join(' ');
    throw new ToolsMissing('profile --target', `needs Debian package(s) ${list}: apt-get install -y --no-install-recommends ${list}`);
  }
}

const firstLine = (cmd: string, args = ['--version']) => {
  try { return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n')[0].trim(); } catch { return 'unknown'; }
};

/** Tool versions that the counts depend on. */
export function toolVersions(target: Target): Record<string, string> {
  const i = TARGET_INFO[target];
  const v: Record<string, string> = { wasm2c: `wabt ${firstLine(wabt()?.wasm2c ?? 'wasm2c')}`, cc: firstLine(i.cc) };
  if (i.run === 'qemu-system') { v.qemu = firstLine('qemu-system-arm'); v.libc = `newlib-nano ${firstLine('dpkg-query', ['-W', '-f=${Version}', 'libnewlib-arm-none-eabi'])} (--specs=nano.specs)`; }
  if (i.run === 'qemu-user') v.qemu = firstLine('qemu-arm');
  if (i.run === 'callgrind') v.valgrind = firstLine('valgrind');
  return v;
}

function run(cmd: string, args: string[], cwd?: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 << 20, timeout: 300_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.slice(0, 6).join(' ')} … failed: ${(r.stderr || r.error?.message || '').split('\n').slice(0, 3).join(' | ')}`);
  return r.stdout;
}

/** Debian's wabt: wasm2c and the wasm-rt.h of the same version (the npm wabt on PATH under `npm run`
 *  is a newer wasm2c whose output needs a newer runtime ABI). */
export function wabt(): { wasm2c: string; header: string } | null {
  let files: string[] = [];
  try { files = execFileSync('dpkg', ['-L', 'wabt'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n'); } catch { /* no dpkg or not installed */ }
  const wasm2c = files.find((f) => f.endsWith('/bin/wasm2c')) ?? '/usr/bin/wasm2c';
  const header = files.find((f) => f.endsWith('/wasm-rt.h')) ?? '/usr/include/wasm-rt.h';
  return existsSync(wasm2c) && existsSync(header) ? { wasm2c, header } : null;
}

/** wasm2c output of both modules of a build variant, with the bounds-check variant applied; true
 *  when the output uses wabt 1.0.32's names (Z_ue_instance_t: UE_KEYS_WASM2C_LEGACY). */
function translate(dir: string, variant: Variant, checks: Checks): boolean {
  const w = wabt();
  if (!w) throw new ToolsMissing('profile --target', 'needs Debian package(s) wabt: apt-get install -y --no-install-recommends wabt');
  // The cross compilers do not search /usr/include: the runtime header is copied next to the output.
  writeFileSync(join(dir, 'wasm-rt.h'), readFileSync(w.header));
  for (const m of ['ue', 'usim'] as const) {
    const c = join(dir, `${m}.c`);
    run(w.wasm2c, [wasmPath(moduleFile(m, variant)), '-n', m, '-o', c]);
    if (checks === 'mask') {
      // wabt 1.0.32: DEFINE_LOAD/DEFINE_STORE access `&mem->data[addr]` (little-endian branch).
      const src = readFileSync(c, 'utf8');
      const n = src.split('&mem->data[addr]').length - 1;
      if (n < 2) throw new Error(`wasm2c output of ${m} has no &mem->data[addr] accessors to mask (wabt version?)`);
      writeFileSync(c, src.replaceAll('&mem->data[addr]', '&mem->data[(u32)addr & 0xffffu]'));
    }
  }
  return readFileSync(join(dir, 'ue.h'), 'utf8').includes('Z_ue_instance_t');
}

export interface SectionSizes { text: number; rodata: number; ram: number }
export interface RegionCount { insns: number; loads: number; stores: number; multi: number; taken: number; cmin: number; cmax: number }
export interface BuildRun { modules: Record<'ue' | 'usim', SectionSizes>; ops: Array<{ ok: boolean; line: string }>; regions: RegionCount[]; cflags: string; done: boolean; error?: string }

/** The counting plugin, built once with the host gcc. */
function plugin(work: string): string {
  const so = join(work, 'counter.so');
  const src = join(armSourceDir(), 'counter.c');
  run('gcc', ['-shared', '-fPIC', '-O2', '-Wall', '-o', so, src]);
  return so;
}

function sectionSizes(sizeTool: string, obj: string): { text: number; rodata: number; data: number; bss: number } {
  const r = { text: 0, rodata: 0, data: 0, bss: 0 };
  for (const line of run(sizeTool, ['-A', obj]).split('\n')) {
    const m = /^(\.\S+)\s+(\d+)/.exec(line);
    if (!m) continue;
    const [name, n] = [m[1], Number(m[2])];
    if (/^\.text/.test(name)) r.text += n;
    else if (/^\.rodata/.test(name)) r.rodata += n;
    else if (/^\.data/.test(name)) r.data += n;
    else if (/^\.bss/.test(name)) r.bss += n;
  }
  return r;
}

/**
 * Compile the modules + harness + runtime for one combination, run them on the target and return
 * the per-region counts, the harness's per-operation lines and the module sizes.
 * `opsSource` is the generated ops.c (arm-record.ts opsC) for this build variant.
 */
export function buildAndRun(target: Target, checks: Checks, opt: Opt, variant: Variant, opsSource: string): BuildRun {
  const info = TARGET_INFO[target];
  const src = armSourceDir();
  const root = join(dirname(buildPath('ue.wasm')), 'arm');
  const dir = join(root, `${target}-${checks}-${opt}-${variant}`);
  mkdirSync(dir, { recursive: true });
  const legacy = translate(dir, variant, checks);
  writeFileSync(join(dir, 'ops.c'), opsSource);
  const header = dirname(buildPath('ue_keys.h'));
  const cflags = [...info.cflags, `-${opt}`, '-std=gnu11', '-DNDEBUG', ...(legacy ? ['-DUE_KEYS_WASM2C_LEGACY'] : []), ...CHECK_DEFS[checks]];
  const inc = ['-I', dir, '-I', src, '-I', header];
  const objs: string[] = [];
  const units: Array<[string, string]> = [[join(dir, 'ue.c'), 'ue.o'], [join(dir, 'usim.c'), 'usim.o'], [join(src, 'runtime.c'), 'runtime.o'],
    [join(src, 'harness.c'), 'harness.o'], [join(dir, 'ops.c'), 'ops.o'], [join(src, info.run === 'qemu-system' ? 'startup-m.c' : 'posix.c'), 'platform.o']];
  for (const [file, obj] of units) {
    run(info.cc, [...cflags, '-w', ...inc, '-c', file, '-o', join(dir, obj)]);
    objs.push(join(dir, obj));
  }
  const elf = join(dir, 'profile.elf');
  const ld = info.run === 'qemu-system' ? ['-T', join(src, 'mps2.ld')] : [];
  run(info.cc, [...info.cflags, ...info.ldflags, ...ld, '-o', elf, ...objs, '-lm']);

  // Sizes: each module's object; RAM = its static data + instance struct + its 64 KiB page.
  const syms = run(info.nm, ['-S', elf]);
  const instSize = (name: string) => { const m = new RegExp(`^[0-9a-f]+ ([0-9a-f]+) [bBdD] ${name}$`, 'm').exec(syms); return m ? parseInt(m[1], 16) : 0; };
  const modules = {} as Record<'ue' | 'usim', SectionSizes>;
  for (const m of ['ue', 'usim'] as const) {
    const s = sectionSizes(info.size, join(dir, `${m}.o`));
    modules[m] = { text: s.text, rodata: s.rodata, ram: s.data + s.bss + instSize(`${m}_inst`) + 65536 };
  }

  const addr = (name: string) => { const m = new RegExp(`^([0-9a-f]+) [0-9a-f]+ [tT] ${name}$`, 'm').exec(syms); if (!m) throw new Error(`${name} not in ${elf}`); return '0x' + m[1]; };
  let stdout = '', regions: RegionCount[] = [];
  if (info.run === 'callgrind') {
    const cg = join(dir, 'callgrind');
    rmSync(cg, { recursive: true, force: true }); mkdirSync(cg);
    const r = spawnSync('valgrind', ['--tool=callgrind', `--callgrind-out-file=${join(cg, 'cg.out')}`, '--zero-before=marker_on', '--dump-before=marker_off', elf], { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 300_000 });
    stdout = r.stdout ?? '';
    const dumps = readdirSync(cg).map((f) => /^cg\.out\.(\d+)$/.exec(f)).filter((m): m is RegExpExecArray => !!m).sort((a, b) => Number(a[1]) - Number(b[1]));
    regions = dumps.map((m) => {
      const t = /^(?:summary|totals): (\d+)/m.exec(readFileSync(join(cg, m[0]), 'utf8'));
      return { insns: t ? Number(t[1]) : NaN, loads: 0, stores: 0, multi: 0, taken: 0, cmin: 0, cmax: 0 };
    });
  } else {
    const so = plugin(root);
    const log = join(dir, 'regions.log');
    rmSync(log, { force: true });
    const pl = `${so},on=${addr('marker_on')},off=${addr('marker_off')}`;
    const args = info.run === 'qemu-system'
      ? ['-M', target === 'cortex-m4' ? 'mps2-an386' : 'mps2-an505', '-cpu', target, '-nographic', '-monitor', 'none', '-serial', 'none',
        '-semihosting-config', 'enable=on,target=native', '-kernel', elf, '-plugin', pl, '-d', 'plugin', '-D', log]
      : ['-cpu', 'cortex-a7', '-plugin', pl, '-d', 'plugin', '-D', log, elf];
    const r = spawnSync(info.run === 'qemu-system' ? 'qemu-system-arm' : 'qemu-arm', args, { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 300_000 });
    stdout = (r.stdout ?? '') + '\n' + (r.stderr ?? ''); // with -D, QEMU 7.2 sends semihosting output to stderr
    const text = existsSync(log) ? readFileSync(log, 'utf8') : '';
    regions = [...text.matchAll(/^region \d+ insns (\d+) loads (\d+) stores (\d+) multi (\d+) taken (\d+) cmin (\d+) cmax (\d+)$/gm)]
      .map((m) => ({ insns: +m[1], loads: +m[2], stores: +m[3], multi: +m[4], taken: +m[5], cmin: +m[6], cmax: +m[7] }));
    if (r.error) return { modules, ops: [], regions, cflags: cflags.join(' '), done: false, error: r.error.message };
  }
  const lines = stdout.split('\n');
  const ops = lines.filter((l) => l.startsWith('op ')).map((l) => ({ ok: / ok$/.test(l), line: l }));
  const done = lines.includes('done ok') || lines.includes('done failed');
  const trap = lines.find((l) => l.startsWith('trap ') || l === 'fault');
  return { modules, ops, regions, cflags: cflags.join(' '), done, ...(trap ? { error: trap } : {}) };
}
