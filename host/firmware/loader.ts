/**
 * Loads a firmware module (build/ue.wasm or build/usim.wasm) with @assemblyscript/loader and wraps
 * its mailbox. The modules have no imports, one fixed page and a documented static memory map
 * (assembly/me/memory.ts); callers never see a pointer or a view into module memory: inputs are
 * copied into IO_IN, results copied out of IO_OUT.
 */
import { instantiate as asInstantiate, instantiateSync as asInstantiateSync } from '@assemblyscript/loader';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkStatus } from '../errors.js';
import type { UeExports, UsimExports } from './abi.generated.js';

/** build/ue.wasm (ME), build/usim.wasm (USIM), build/ue-vectors.wasm (ME + primitive test exports). */
export type ModuleName = 'ue' | 'usim' | 'ue-vectors';
/** A module file of build/: ModuleName, or the FAST build of ue / usim / ue-vectors (issue 12:
 *  build/ue-fast.wasm, build/usim-fast.wasm, build/ue-vectors-fast.wasm; same ABI, table-driven
 *  primitives). host/firmware/variant.ts maps a ModuleName and a Variant to its file. */
export type ModuleFile = ModuleName | 'ue-fast' | 'usim-fast' | 'ue-vectors-fast';

/** Find a file of build/ next to this file (bundled) or in ../build (sources, tests). */
export function buildPath(file: string): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, file), join(here, '..', 'build', file), join(here, '..', '..', 'build', file), join(process.cwd(), 'build', file)];
  for (const c of candidates) if (existsSync(c)) return c;
  throw new Error(`${file} not found (run npm run build); looked in ${candidates.join(', ')}`);
}

/** Path of build/<name>.wasm (or the debug variant). */
export function wasmPath(name: ModuleFile, variant: 'release' | 'debug' = 'release'): string {
  return buildPath(variant === 'debug' ? `${name}.debug.wasm` : `${name}.wasm`);
}

const bytesCache = new Map<string, Uint8Array<ArrayBuffer>>();
/** The module bytes (cached per path). */
export function wasmBytes(name: ModuleFile, variant: 'release' | 'debug' = 'release'): Uint8Array<ArrayBuffer> {
  const p = wasmPath(name, variant);
  let b = bytesCache.get(p);
  if (!b) { b = new Uint8Array(readFileSync(p)); bytesCache.set(p, b); }
  return b;
}

/** Raw exports (the instance's own, not the loader's demangled wrappers): functions taking and
 *  returning integers, plus exported constant globals. */
export type RawExports = Record<string, any> & { memory: WebAssembly.Memory };

/** Any module's functions, typed by name only (host/firmware/abi.generated.ts has the real ones). */
export type AnyExports = Record<string, (...args: number[]) => number>;

/**
 * One instance of a firmware module with its mailbox. `exports` holds its functions, typed by
 * host/firmware/abi.generated.ts, each turning a non-zero status into a typed error; `put`/`take`
 * copy bytes in and out.
 */
export class Firmware<E extends object = AnyExports> {
  readonly raw: RawExports;
  /** The module's functions with their generated signatures: a non-zero status throws the
   *  mapped error (host/errors.ts), success returns STATUS.OK. */
  readonly exports: E;
  /** The same functions returning their raw status (0 = success) without throwing, for callers
   *  that branch on a status (e.g. the USIM's synchronisation failure). */
  readonly unchecked: E;
  private readonly mem: Uint8Array;
  private readonly view: DataView;
  readonly inPtr: number;
  readonly inLen: number;
  readonly outPtr: number;
  readonly outLen: number;
  private cursor = 0;

  /** Names of the functions the module itself exports (the loader adds helpers of its own). */
  readonly functions: readonly string[];

  /** The build/ file it was instantiated from (instantiate / instantiateSync), e.g. 'ue-fast';
   *  undefined when a caller built the instance itself. */
  readonly file: ModuleFile | undefined;

  constructor(instanceExports: RawExports, module: WebAssembly.Module, file?: ModuleFile) {
    this.raw = instanceExports;
    this.file = file;
    this.functions = WebAssembly.Module.exports(module).filter((e) => e.kind === 'function').map((e) => e.name);
    // Memory never grows (initial = maximum = 1 page), so one view stays valid for the instance.
    this.mem = new Uint8Array(this.raw.memory.buffer);
    this.view = new DataView(this.raw.memory.buffer);
    this.inPtr = this.constant('IO_IN_PTR');
    this.inLen = this.constant('IO_IN_LEN');
    this.outPtr = this.constant('IO_OUT_PTR');
    this.outLen = this.constant('IO_OUT_LEN');
    const checked: Record<string, (...args: number[]) => number> = {};
    for (const name of this.functions) {
      const fn = this.raw[name] as (...args: number[]) => number;
      checked[name] = (...args) => { const status = fn(...args); checkStatus(status, name); return status; };
    }
    this.exports = checked as E;
    this.unchecked = Object.fromEntries(this.functions.map((n) => [n, this.raw[n]])) as E;
  }

  /** Value of an exported constant global (e.g. IO_IN_PTR). */
  constant(name: string): number {
    const g = this.raw[name];
    if (g === undefined) throw new Error(`module does not export ${name}`);
    return typeof g === 'object' && 'value' in g ? Number(g.value) : Number(g);
  }

  /** Start a new request: inputs are placed from offset 0 of IO_IN. */
  begin(): this { this.cursor = 0; return this; }

  /** Copy bytes into IO_IN at the next 4-aligned offset; returns that offset (relative to IO_IN). */
  put(bytes: Uint8Array): number {
    const off = this.cursor;
    if (off + bytes.length > this.inLen) throw new RangeError(`request does not fit the ${this.inLen}-byte mailbox`);
    this.mem.set(bytes, this.inPtr + off);
    this.cursor = (off + bytes.length + 3) & ~3;
    return off;
  }

  /** Reserve `len` bytes of IO_IN (4-aligned) and return their offset, e.g. for a table that is
   *  filled with putU32 once the offsets it lists are known. */
  reserve(len: number): number {
    const off = this.cursor;
    if (off + len > this.inLen) throw new RangeError(`request does not fit the ${this.inLen}-byte mailbox`);
    this.cursor = (off + len + 3) & ~3;
    return off;
  }

  /** Write a little-endian u32 at an IO_IN offset (ABI tables are little-endian u32 pairs). */
  putU32(off: number, v: number): void { this.view.setUint32(this.inPtr + off, v, true); }

  /** Write bytes at an explicit IO_IN offset (for hand-built tables). */
  putAt(off: number, bytes: Uint8Array): void { this.mem.set(bytes, this.inPtr + off); }

  /** Copy `len` bytes out of IO_OUT starting at `off`. */
  take(off: number, len: number): Uint8Array { return this.mem.slice(this.outPtr + off, this.outPtr + off + len); }

  /** Call an export by name; a non-zero status throws the mapped error. For callers that probe
   *  the ABI by name (tests, tools); wrappers use the typed {@link exports}. */
  call(name: string, ...args: number[]): number {
    const fn = this.raw[name];
    if (typeof fn !== 'function') throw new Error(`module does not export ${name}()`);
    const status = fn(...args) as number;
    checkStatus(status, name);
    return status;
  }

  /** Call an export and return its raw status (0 = success) without throwing. */
  tryCall(name: string, ...args: number[]): number { return this.raw[name](...args) as number; }

  /** A copy of the whole 64 KiB of module memory (tests scan it for leftover key bytes). */
  snapshot(): Uint8Array { return this.mem.slice(); }

  /** Zero both mailboxes from the host side (what the io_clear / usim_clear exports do), once a
   *  call's results are copied out: inputs and outputs may be keys (issue 17). */
  clearMailboxes(): void {
    this.mem.fill(0, this.inPtr, this.inPtr + this.inLen);
    this.mem.fill(0, this.outPtr, this.outPtr + this.outLen);
  }
}

/** The typed exports of a module by name (ue-vectors: the ME's exports plus test primitives). */
export type ExportsOf<N extends ModuleFile> = N extends 'usim' | 'usim-fast' ? UsimExports : UeExports;
/** The ME firmware (build/ue.wasm) and the USIM module (build/usim.wasm) with their typed exports. */
export type UeModule = Firmware<UeExports>;
export type UsimModule = Firmware<UsimExports>;

/** Instantiate a module synchronously from its bytes (no imports are needed or given). */
export function instantiateSync<N extends ModuleFile>(name: N, variant: 'release' | 'debug' = 'release'): Firmware<ExportsOf<N>> {
  const module = new WebAssembly.Module(wasmBytes(name, variant));
  const inst = asInstantiateSync(module, {});
  return new Firmware<ExportsOf<N>>(inst.instance.exports as unknown as RawExports, module, name);
}

/** Instantiate a module (async form, for callers that prefer `await load()`). */
export async function instantiate<N extends ModuleFile>(name: N, variant: 'release' | 'debug' = 'release'): Promise<Firmware<ExportsOf<N>>> {
  const module = await WebAssembly.compile(wasmBytes(name, variant));
  const inst = await asInstantiate(module, {});
  return new Firmware<ExportsOf<N>>(inst.instance.exports as unknown as RawExports, module, name);
}
