/**
 * Loads a firmware module (build/ue.wasm or build/usim.wasm; the fast build's ue-fast / usim-fast)
 * and wraps its mailbox; each module file is compiled once per process. The modules have no imports, one fixed page and a documented static memory map
 * (assembly/me/memory.ts); callers never see a pointer or a view into module memory: inputs are
 * copied into IO_IN, results copied out of IO_OUT.
 */
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

/** Export names and mailbox constants of a compiled module (the same for each of its instances). */
interface Shape { functions: readonly string[]; inPtr: number; inLen: number; outPtr: number; outLen: number }
const shapes = new WeakMap<WebAssembly.Module, Shape>();
function shapeOf(module: WebAssembly.Module, raw: RawExports): Shape {
  let s = shapes.get(module);
  if (!s) {
    const c = (name: string): number => {
      const g = raw[name];
      if (g === undefined) throw new Error(`module does not export ${name}`);
      return typeof g === 'object' && 'value' in g ? Number(g.value) : Number(g);
    };
    s = {
      functions: Object.freeze(WebAssembly.Module.exports(module).filter((e) => e.kind === 'function').map((e) => e.name)),
      inPtr: c('IO_IN_PTR'), inLen: c('IO_IN_LEN'), outPtr: c('IO_OUT_PTR'), outLen: c('IO_OUT_LEN'),
    };
    shapes.set(module, s);
  }
  return s;
}

/**
 * One instance of a firmware module with its mailbox. `exports` holds its functions, typed by
 * host/firmware/abi.generated.ts, each turning a non-zero status into a typed error; `put`/`take`
 * copy bytes in and out.
 */
export class Firmware<E extends object = AnyExports> {
  readonly raw: RawExports;
  /** The module's functions with their generated signatures: a non-zero status throws the
   *  mapped error (host/errors.ts), success returns STATUS.OK. Built on first use (one wrapper per
   *  export), so an instance costs little more than the bare WebAssembly.Instance. */
  get exports(): E {
    return (this.checked ??= Object.fromEntries(this.functions.map((name) => {
      const fn = this.raw[name] as (...args: number[]) => number;
      return [name, (...args: number[]) => { const status = fn(...args); checkStatus(status, name); return status; }];
    })) as E);
  }
  /** The same functions returning their raw status (0 = success) without throwing, for callers
   *  that branch on a status (e.g. the USIM's synchronisation failure). */
  get unchecked(): E {
    return (this.uncheckedFns ??= Object.fromEntries(this.functions.map((n) => [n, this.raw[n]])) as E);
  }
  private checked: E | undefined;
  private uncheckedFns: E | undefined;
  private readonly mem: Uint8Array;
  private readonly view: DataView;
  /** A 32-bit view of the same memory, made on first use (putWords/takeWords) so an instance
   *  that never needs it costs nothing more (loadSync's budget, issue 12). */
  private words: Uint32Array | undefined;
  private get memWords(): Uint32Array { return (this.words ??= new Uint32Array(this.raw.memory.buffer)); }
  readonly inPtr: number;
  readonly inLen: number;
  readonly outPtr: number;
  readonly outLen: number;
  private cursor = 0;
  /** IO_IN bytes written by the host since the mailboxes were last cleared (clearMailboxes). */
  private inUsed = 0;

  /** Names of the functions the module itself exports. */
  readonly functions: readonly string[];

  /** The build/ file it was instantiated from (instantiate / instantiateSync), e.g. 'ue-fast';
   *  undefined when a caller built the instance itself. */
  readonly file: ModuleFile | undefined;

  constructor(instanceExports: RawExports, module: WebAssembly.Module, file?: ModuleFile) {
    this.raw = instanceExports;
    this.file = file;
    // What every instance of a compiled module shares (export names, the mailbox constants) is
    // read once per module (issue 12: an instance should cost about a bare WebAssembly.Instance).
    const shape = shapeOf(module, instanceExports);
    this.functions = shape.functions;
    // Memory never grows (initial = maximum = 1 page), so one view stays valid for the instance.
    this.mem = new Uint8Array(this.raw.memory.buffer);
    this.view = new DataView(this.raw.memory.buffer);
    this.inPtr = shape.inPtr;
    this.inLen = shape.inLen;
    this.outPtr = shape.outPtr;
    this.outLen = shape.outLen;
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
    const off = this.cursor, n = bytes.length;
    if (off + n > this.inLen) throw new RangeError(`request does not fit the ${this.inLen}-byte mailbox`);
    // short inputs (keys, counts) by hand: cheaper than TypedArray.prototype.set's set-up
    const mem = this.mem, at = this.inPtr + off;
    if (n <= 64) for (let i = 0; i < n; i++) mem[at + i] = bytes[i];
    else mem.set(bytes, at);
    this.cursor = (off + n + 3) & ~3;
    if (this.cursor > this.inUsed) this.inUsed = this.cursor;
    return off;
  }

  /**
   * Copy 32-bit words into IO_IN at the next 4-aligned offset; returns that offset. For operands
   * the host keeps as words it took with {@link takeWords} (the KDF key context): 16 word stores
   * instead of 64 octet stores, a third of a KDF call's host time (issue 12). Both copies are
   * native-endian views of the same octets, so the octets round-trip unchanged on any host.
   */
  putWords(words: Uint32Array): number {
    const off = this.cursor, n = words.length, w = this.memWords;
    if (off + 4 * n > this.inLen) throw new RangeError(`request does not fit the ${this.inLen}-byte mailbox`);
    const at = (this.inPtr + off) >>> 2;
    for (let i = 0; i < n; i++) w[at + i] = words[i];
    this.cursor = off + 4 * n;
    if (this.cursor > this.inUsed) this.inUsed = this.cursor;
    return off;
  }

  /** Reserve `len` bytes of IO_IN (4-aligned) and return their offset, e.g. for a table that is
   *  filled with putU32 once the offsets it lists are known. */
  reserve(len: number): number {
    const off = this.cursor;
    if (off + len > this.inLen) throw new RangeError(`request does not fit the ${this.inLen}-byte mailbox`);
    this.cursor = (off + len + 3) & ~3;
    if (this.cursor > this.inUsed) this.inUsed = this.cursor;
    return off;
  }

  /** Write a little-endian u32 at an IO_IN offset (ABI tables are little-endian u32 pairs). */
  putU32(off: number, v: number): void { this.view.setUint32(this.inPtr + off, v, true); this.used(off + 4); }

  /** Write bytes at an explicit IO_IN offset (for hand-built tables). */
  putAt(off: number, bytes: Uint8Array): void { this.mem.set(bytes, this.inPtr + off); this.used(off + bytes.length); }

  private used(end: number): void { if (end > this.inUsed) this.inUsed = Math.min(end, this.inLen); }

  /** Copy `len` bytes out of IO_OUT starting at `off`. A short result (a key, a MAC) is copied
   *  octet by octet into a new array: V8 keeps an array that small on its own heap, where `slice`
   *  makes a separate backing store — a sixth of a KDF call's host time (issue 12). */
  take(off: number, len: number): Uint8Array {
    const at = this.outPtr + off;
    if (len > 64) return this.mem.slice(at, at + len);
    const r = new Uint8Array(len), mem = this.mem;
    for (let i = 0; i < len; i++) r[i] = mem[at + i];
    return r;
  }

  /** Copy `n` 32-bit words out of IO_OUT starting at octet `off` (4-aligned); see {@link putWords}. */
  takeWords(off: number, n: number): Uint32Array {
    const w = this.memWords, at = (this.outPtr + off) >>> 2;
    const r = new Uint32Array(n);
    for (let i = 0; i < n; i++) r[i] = w[at + i];
    return r;
  }

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
    this.inUsed = 0;
  }

  /** The hot-path form of {@link clearMailboxes} for a caller that knows its export: zero the IO_IN
   *  octets this host wrote since the last clear and the first `outUsed` octets of IO_OUT. Complete
   *  when every call of the instance is cleared this way or the full way (the rest of both
   *  mailboxes is zero already): the firmware writes nothing but zeros into IO_IN (ctx_install wipes
   *  the KAMF it read, io_clear the mailbox) and the export called wrote at most `outUsed` octets
   *  of IO_OUT. Two small fills instead of 8 KiB (issue 12: per-call host overhead). */
  clearWritten(outUsed: number): void {
    const inEnd = this.inUsed, outEnd = Math.min(outUsed, this.outLen);
    this.inUsed = 0;
    if (inEnd > 256 || outEnd > 256) {
      this.mem.fill(0, this.inPtr, this.inPtr + inEnd);
      this.mem.fill(0, this.outPtr, this.outPtr + outEnd);
      return;
    }
    // a KDF's or a MAC's few words: word stores, a third of two TypedArray fills' cost (issue 12);
    // rounded up to whole words, which stay inside their mailbox (both are whole words long)
    const w = this.memWords;
    for (let i = this.inPtr >>> 2, e = (this.inPtr + inEnd + 3) >>> 2; i < e; i++) w[i] = 0;
    for (let i = this.outPtr >>> 2, e = (this.outPtr + outEnd + 3) >>> 2; i < e; i++) w[i] = 0;
  }
}

/** The typed exports of a module by name (ue-vectors: the ME's exports plus test primitives). */
export type ExportsOf<N extends ModuleFile> = N extends 'usim' | 'usim-fast' ? UsimExports : UeExports;
/** The ME firmware (build/ue.wasm) and the USIM module (build/usim.wasm) with their typed exports. */
export type UeModule = Firmware<UeExports>;
export type UsimModule = Firmware<UsimExports>;

const compiled = new Map<string, WebAssembly.Module>();
/** The compiled module of a build file (compiled once per process: every instance shares it). */
export function compiledModule(name: ModuleFile, variant: 'release' | 'debug' = 'release'): WebAssembly.Module {
  const key = `${name}:${variant}`;
  let m = compiled.get(key);
  if (!m) { m = new WebAssembly.Module(wasmBytes(name, variant)); compiled.set(key, m); }
  return m;
}

/** Instantiate a module synchronously (no imports are needed or given). A plain
 *  WebAssembly.Instance: the modules export only integers and constant globals, so nothing of
 *  @assemblyscript/loader's string/array helpers is needed (it was a devDependency for that
 *  wrapper only, which added its own work to every instance). */
export function instantiateSync<N extends ModuleFile>(name: N, variant: 'release' | 'debug' = 'release'): Firmware<ExportsOf<N>> {
  const module = compiledModule(name, variant);
  return new Firmware<ExportsOf<N>>(new WebAssembly.Instance(module, {}).exports as unknown as RawExports, module, name);
}

const compiling = new Map<string, Promise<WebAssembly.Module>>();
/** Instantiate a module (async form, for callers that prefer `await load()`). */
export async function instantiate<N extends ModuleFile>(name: N, variant: 'release' | 'debug' = 'release'): Promise<Firmware<ExportsOf<N>>> {
  const key = `${name}:${variant}`;
  const ready = compiled.get(key);
  let module: WebAssembly.Module;
  if (ready) module = ready;
  else {
    let p = compiling.get(key);
    if (!p) { p = WebAssembly.compile(wasmBytes(name, variant)); compiling.set(key, p); }
    try { module = await p; } finally { compiling.delete(key); }
    compiled.set(key, module);
  }
  const inst = await WebAssembly.instantiate(module, {});
  return new Firmware<ExportsOf<N>>(inst.exports as unknown as RawExports, module, name);
}
