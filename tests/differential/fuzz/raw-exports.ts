// Raw-export fuzz campaign (issue 17, "a standing campaign"): seeded random calls of every function
// export of build/ue.wasm and build/usim.wasm with random i32 arguments (small values, offsets near
// the mailbox bounds, huge and negative values) over random mailbox contents. Per call it checks
// the firmware contract of the README ("The firmware ABI"):
//   - no trap (a wasm RuntimeError is a defect; the module must return a status instead),
//   - a call that returns a non-OK status leaves all 65,536 bytes of memory unchanged
//     ("a rejected call changes no state"),
//   - the ME module's HMAC key context is all zeros after every call, accepted or not (no key bytes
//     or pads outlive a call),
//   - memory stays one 64 KiB page.
// The same seed gives the same calls, so a defect's `details` entry replays exactly.
import { wasmBytes } from '../../../host/firmware/loader.js';
import { variantFile } from '../../../host/firmware/variant.js';

export interface CampaignOptions {
  /** PRNG seed (any 32-bit integer). */
  seed: number;
  /** Number of export calls. */
  calls: number;
  /** Called about every 1% of the calls (and at the end) with the calls done so far. */
  onProgress?: (done: number, total: number) => void;
  /** Module bytes to use instead of build/ue.wasm / build/usim.wasm (the campaign's own test runs
   *  it on a deliberately broken module to show each check can fail). */
  wasm?: { ue?: Uint8Array; usim?: Uint8Array };
}

export interface CampaignResult {
  /** Calls made. */
  cases: number;
  /** Calls that met every check. */
  clean: number;
  /** Calls that broke a check. */
  defects: number;
  /** The first defects (at most 50): call index, module, export, arguments, what broke. */
  details: string[];
  /** Calls per module and status (0 = OK), for judging the coverage of a run. */
  statuses: Record<string, Record<number, number>>;
}

/** sfc32: a small, fast, well-tested 32-bit PRNG (Practically Random); seeded through splitmix32. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  const split = () => { s = (s + 0x9e3779b9) >>> 0; let z = s; z = Math.imul(z ^ (z >>> 16), 0x85ebca6b); z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35); return (z ^ (z >>> 16)) >>> 0; };
  let a = split(), b = split(), c = split(), d = split();
  return () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t;
  };
}

interface Target {
  name: 'ue' | 'usim';
  exports: Record<string, any>;
  mem: Uint8Array;
  fns: Array<[string, Function]>;
  inPtr: number; inLen: number;
  hmacKey?: [number, number];
}

// the build of the process (UE_KEYS_VARIANT; tests/vitest.config.mjs runs this once per build)
function instantiate(name: 'ue' | 'usim', bytes: Uint8Array = wasmBytes(variantFile(name))): Target {
  const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
  const ex = inst.exports as Record<string, any>;
  const g = (n: string) => Number((ex[n] as WebAssembly.Global).value);
  const fns = Object.entries(ex).filter(([, v]) => typeof v === 'function') as Array<[string, Function]>;
  return {
    name, exports: ex, mem: new Uint8Array((ex.memory as WebAssembly.Memory).buffer), fns,
    inPtr: g('IO_IN_PTR'), inLen: g('IO_IN_LEN'),
    hmacKey: name === 'ue' ? [g('HMAC_KEY_PTR'), g('HMAC_KEY_PTR') + g('HMAC_KEY_LEN')] : undefined,
  };
}

/** One random i32 argument: mostly small values and mailbox-relative offsets (which reach the
 *  code past the checks), plus bounds, huge and negative values. */
function arg(r: () => number, inLen: number): number {
  const x = r();
  switch (x & 15) {
    case 0: case 1: case 2: case 3: return (x >>> 4) % 8;          // enums, slots, algorithm ids
    case 4: case 5: return (x >>> 4) % 64;                          // small lengths, offsets
    case 6: case 7: return (x >>> 4) % (inLen + 1);                 // any offset in the mailbox
    case 8: return inLen - ((x >>> 4) % 40);                        // near the end of the mailbox
    case 9: return inLen + ((x >>> 4) % 40);                        // just past it
    case 10: return [0x7fffffff, 0x80000000, 0xffffffff, 0xfffffff0, 0x10000, 0xffff, 65536 - 1, 0x1000000][(x >>> 4) & 7] | 0;
    case 11: return -((x >>> 4) % 70000);                           // negative (as i32: huge u32)
    case 12: return (x >>> 4) % 5000;                               // lengths around KDF_S / mailbox
    default: return x | 0;                                          // any 32-bit value
  }
}

/** Fill the module's request mailbox: random bytes, zeros, small little-endian words (valid-looking
 *  KDF parameter tables and lengths), or a byte ramp. */
function fillMailbox(t: Target, r: () => number): void {
  const { mem, inPtr, inLen } = t;
  const mode = r() & 3;
  for (let i = 0; i < inLen; i += 4) {
    const v = mode === 0 ? r() : mode === 1 ? 0 : mode === 2 ? r() % 96 : (i * 0x01010101 + 0x00010203) >>> 0;
    mem[inPtr + i] = v & 0xff; mem[inPtr + i + 1] = (v >>> 8) & 0xff; mem[inPtr + i + 2] = (v >>> 16) & 0xff; mem[inPtr + i + 3] = v >>> 24;
  }
}

const fmt = (n: number) => (n >>> 0).toString(16);

/**
 * Run the campaign. 10^6 calls took 26–37 s with node 20 on a shared 2-core machine (the time
 * goes to the before/after copy and comparison of 64 KiB per call and to the calls that pass
 * their checks and run real crypto).
 */
export async function rawExportCampaign({ seed, calls, onProgress, wasm }: CampaignOptions): Promise<CampaignResult> {
  const r = prng(seed);
  const make = (name: 'ue' | 'usim') => instantiate(name, wasm?.[name]);
  const targets = [make('ue'), make('usim')];
  const before = new Uint8Array(65536);
  const details: string[] = [];
  const statuses: Record<string, Record<number, number>> = { ue: {}, usim: {} };
  let defects = 0;
  const step = Math.max(1, Math.floor(calls / 100));
  for (const t of targets) fillMailbox(t, r);
  for (let i = 0; i < calls; i++) {
    // The ME module has ~4× the exports of the USIM module: pick in proportion.
    const t = (r() % 5) === 0 ? targets[1] : targets[0];
    if ((r() & 63) === 0) fillMailbox(t, r);
    const [name, fn] = t.fns[r() % t.fns.length];
    const args = Array.from({ length: fn.length }, () => arg(r, t.inLen));
    before.set(t.mem);
    let status: number | undefined, problem = '';
    try {
      status = fn(...args) as number;
    } catch (e) {
      problem = `trap: ${(e as Error).message}`;
    }
    if (!problem) {
      const st = statuses[t.name];
      st[status!] = (st[status!] ?? 0) + 1;
      if (t.mem.buffer.byteLength !== 65536) problem = `memory grew to ${t.mem.buffer.byteLength} bytes`;
      else if (status !== 0 && Buffer.compare(Buffer.from(before.buffer), Buffer.from(t.mem.buffer)) !== 0) {
        let at = 0;
        while (before[at] === t.mem[at]) at++;
        problem = `status ${status} but memory changed (first byte 0x${fmt(at)})`;
      } else if (t.hmacKey && t.mem.subarray(t.hmacKey[0], t.hmacKey[1]).some((b) => b !== 0)) {
        problem = `status ${status}: HMAC_KEY not zero after the call`;
      }
    }
    if (problem) {
      defects++;
      if (details.length < 50) details.push(`#${i} ${t.name}.${name}(${args.map((a) => `0x${fmt(a)}`).join(', ')}): ${problem}`);
      // A trapped or corrupted instance is replaced so the campaign goes on from a sane state.
      const k = t === targets[0] ? 0 : 1;
      targets[k] = make(t.name);
      fillMailbox(targets[k], r);
    }
    if (onProgress && (i + 1) % step === 0) { onProgress(i + 1, calls); await Promise.resolve(); }
  }
  onProgress?.(calls, calls);
  return { cases: calls, clean: calls - defects, defects, details, statuses };
}
