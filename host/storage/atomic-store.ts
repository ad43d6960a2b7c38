/**
 * A persistent store of named files ("an image": the USIM's file system, or the ME's non-volatile
 * memory) in which every update is atomic, in the manner of a card's transaction buffer or a
 * two-bank journaled flash (anti-tearing, as TS 31.101/ETSI TS 102 221 requires of UICC updates),
 * and which refuses, without writing a byte, a medium that does not hold a valid image.
 *
 * Medium layout: two banks of `medium.size / 2` bytes. A bank is (format version 2)
 *
 *   offset  len  field
 *   0       4    magic 'UEKS'
 *   4       1    format version (2)
 *   5       1    commit mark: 'FF' written but not committed, '00' committed
 *   6       1    superseded mark: 'FF' current, '00' a newer generation was committed in the other bank
 *   7       1    00
 *   8       4    image type (4 ASCII bytes, e.g. 'USIM', 'MENV')
 *   12      8    sequence number, unsigned big-endian (the generation; 1 is the first image)
 *   20      4    payload length, unsigned big-endian
 *   24      32   SHA-256 over bytes 0..4 ‖ 7..23 ‖ payload (the two marks are set after it)
 *   56      n    payload: u16 file count, then per file (sorted by name) u8 name length, name
 *                (ASCII), u32 data length, data (all big-endian); 'FF' up to the end of the bank
 *
 * An update writes the new generation into the bank that does not hold the current one (payload
 * pages, 'FF' over what is left of the generation before the previous one, then the header with
 * both marks 'FF'), then sets its commit mark (one byte: the commit step), then sets the
 * superseded mark of the previous generation's bank. The previous generation stays complete in its
 * bank until the next update overwrites it, except after an update that retires a key (the caller
 * says so): that one erases the previous bank right after its commit. The marks are single bytes written in separate steps
 * (like programming a flash byte from 'FF' to '00'), which is what lets power-on tell an update
 * that was cut (commit mark 'FF', or a header torn before its fifth byte: ignored, the previous
 * generation is the image) from a committed generation that was damaged afterwards (commit mark
 * '00' and a failing SHA-256, or a newest intact bank marked superseded): the latter is refused as
 * "image corrupt" and never replaced by the older generation — an older SQN state would accept an
 * AUTN again (TS 33.102 6.3.3, Annex C).
 *
 * Opening never writes. A medium with no 'UEKS' header is "not an image"; all 'FF' (or only an
 * uncommitted first update) is blank. Format version 1 banks (digest over bytes 0..23, no marks,
 * written before this layout) are read as committed and rewritten as version 2 by the next update.
 *
 * The medium is a sequence of write steps through {@link Medium}; a power loss is a step that
 * throws (after writing nothing or a prefix of its bytes) and every later step is lost.
 */
import { createHash } from 'node:crypto';
import { InputError } from '../errors.js';
import { CorruptImageError, NotAnImageError } from './errors.js';
import { HEADER_LEN, PowerLossError, needSize, type Medium } from './medium.js';

export { DEFAULT_MEDIUM_SIZE, HEADER_LEN, MemoryMedium, PowerCutMedium, PowerLossError, SnapshotMedium, type Medium } from './medium.js';
export { FileMedium } from './file-medium.js';

/** Default page (write-step) size for payload writes. */
export const DEFAULT_PAGE_SIZE = 64;
const MAGIC = [0x55, 0x45, 0x4b, 0x53]; // 'UEKS'
const VERSION = 2;
const COMMIT = 5, SUPERSEDED = 6;

/** The files of one image: name → content. */
export type Files = ReadonlyMap<string, Uint8Array>;

/** Options of {@link AtomicStore.open}. */
export interface StoreOptions {
  /** 4 ASCII characters naming the image type; a valid bank of another type is refused. */
  type: string;
  /** Bytes per payload write step (default 64). */
  pageSize?: number;
  /** What to call the image in messages ("USIM", "ME NVM"; default the type). */
  kind?: string;
  /** What to call the medium in messages (e.g. the file path). */
  label?: string;
}

/** What one bank holds, as `usim check` reports it. */
export interface BankReport {
  bank: 0 | 1;
  /**
   * `intact`: committed, SHA-256 correct; `uncommitted`: an update cut before its commit step;
   * `damaged`: a committed header whose check fails; `erased`: all 'FF'; `foreign`: no 'UEKS'
   * header; `other-type`: an intact bank of another image type.
   */
  state: 'intact' | 'uncommitted' | 'damaged' | 'erased' | 'foreign' | 'other-type';
  /** Generation (sequence number) the header claims, when it has one. */
  generation?: bigint;
  /** Intact banks: a newer generation was committed in the other bank. */
  superseded?: boolean;
  /** Format version of the header. */
  version?: number;
  /** Why a bank is damaged, or the type of an other-type bank. */
  detail?: string;
}

/** The verdict on a medium: which bank is the image, or why there is none. */
export interface ImageReport {
  status: 'ok' | 'blank' | 'corrupt' | 'not-an-image' | 'other-type';
  /** Bank of the current image (status ok). */
  current: 0 | 1 | null;
  /** Generation of the current image (status ok). */
  generation: bigint | null;
  banks: [BankReport, BankReport];
  /** One sentence: the verdict and why. */
  message: string;
}

interface Bank extends BankReport { files?: Map<string, Uint8Array> }

/** Serialize files (sorted by name) into a payload. */
export function encodePayload(files: Files): Uint8Array {
  const names = [...files.keys()].sort();
  const parts: number[] = [names.length >> 8, names.length & 0xff];
  for (const n of names) {
    const d = files.get(n)!;
    parts.push(n.length, ...Array.from(n, (c) => c.charCodeAt(0)));
    parts.push((d.length >>> 24) & 0xff, (d.length >>> 16) & 0xff, (d.length >>> 8) & 0xff, d.length & 0xff, ...d);
  }
  return Uint8Array.from(parts);
}

/** Parse a payload; null if it is not well formed (never happens for a bank whose digest matched). */
export function decodePayload(p: Uint8Array): Map<string, Uint8Array> | null {
  if (p.length < 2) return null;
  const files = new Map<string, Uint8Array>();
  const count = (p[0] << 8) | p[1];
  let pos = 2;
  for (let i = 0; i < count; i++) {
    if (pos + 1 > p.length) return null;
    const nl = p[pos++];
    if (pos + nl + 4 > p.length) return null;
    const name = String.fromCharCode(...p.subarray(pos, pos + nl));
    pos += nl;
    const dl = ((p[pos] << 24) | (p[pos + 1] << 16) | (p[pos + 2] << 8) | p[pos + 3]) >>> 0;
    pos += 4;
    if (pos + dl > p.length) return null;
    files.set(name, p.slice(pos, pos + dl));
    pos += dl;
  }
  return pos === p.length ? files : null;
}

const sha = (...parts: Uint8Array[]) => { const h = createHash('sha256'); for (const p of parts) h.update(p); return h.digest(); };
const ascii = (b: Uint8Array) => String.fromCharCode(...b);

function describe(b: BankReport): string {
  const g = b.generation === undefined ? '' : ` (generation ${b.generation})`;
  switch (b.state) {
    case 'intact': return `intact${g}${b.superseded ? ', superseded' : ''}`;
    case 'uncommitted': return `an update cut before its commit${g}`;
    case 'damaged': return `damaged${g}: ${b.detail}`;
    case 'erased': return 'erased';
    case 'foreign': return "not a 'UEKS' bank";
    case 'other-type': return `an image of type '${b.detail}'`;
  }
}

/** Classify the two banks and decide which one, if any, is the image. Reads only. */
function judge(banks: [Bank, Bank], type: string, kind: string): ImageReport {
  const report = (status: ImageReport['status'], current: Bank | null, message: string): ImageReport => ({
    status, current: current?.bank ?? null, generation: current?.generation ?? null,
    banks: banks.map(({ files: _f, ...r }) => r) as [BankReport, BankReport], message,
  });
  const other = banks.find((b) => b.state === 'other-type');
  const intact = banks.filter((b) => b.state === 'intact');
  if (other && intact.length === 0) return report('other-type', null, `expected a '${type}' image, the medium holds '${other.detail}'`);
  if (intact.length > 0) {
    const b = intact.length === 2 && intact[1].generation! > intact[0].generation! ? intact[1] : intact[0];
    const o = banks[1 - b.bank];
    if (o.state === 'damaged' && o.generation !== undefined && o.generation > b.generation!) {
      return report('corrupt', null, `the newest generation (${o.generation}, bank ${o.bank}) is ${describe(o)}; bank ${b.bank} holds generation ${b.generation}, ` +
        'which is not used (an older SQN state would accept an AUTN again)');
    }
    if (b.superseded) {
      return report('corrupt', null, `bank ${b.bank} holds generation ${b.generation}, marked as replaced by a newer one, and bank ${o.bank} is ${describe(o)}; ` +
        'the older generation is not used (an older SQN state would accept an AUTN again)');
    }
    return report('ok', b, `${kind} image, generation ${b.generation} in bank ${b.bank}; bank ${o.bank} is ${describe(o)}`);
  }
  const damaged = banks.find((b) => b.state === 'damaged');
  if (damaged) return report('corrupt', null, `no bank passes its check (bank 0 is ${describe(banks[0])}, bank 1 is ${describe(banks[1])})`);
  if (banks.some((b) => b.state === 'foreign')) return report('not-an-image', null, "no 'UEKS' bank header");
  return report('blank', null, `blank (no ${kind} image was ever committed)`);
}

/**
 * The transaction store over a {@link Medium}. `open` reads both banks and refuses (without writing)
 * a medium that is not a valid image; `update` applies several file changes as one atomic
 * transaction.
 */
export class AtomicStore {
  private files: Map<string, Uint8Array>;
  private seq: bigint;
  private current: 0 | 1 | null;
  private dead = false;
  private readonly bankSize: number;
  private readonly pageSize: number;
  private readonly typeBytes: Uint8Array;

  private constructor(readonly medium: Medium, opts: StoreOptions, banks: [Bank, Bank], verdict: ImageReport) {
    this.typeBytes = Uint8Array.from(opts.type, (c) => c.charCodeAt(0));
    this.pageSize = opts.pageSize ?? DEFAULT_PAGE_SIZE;
    this.bankSize = medium.size / 2;
    this.current = verdict.current;
    this.seq = verdict.generation ?? 0n;
    this.files = verdict.current === null ? new Map() : banks[verdict.current].files!;
  }

  /** Validate options and read both banks (no write). */
  private static read(medium: Medium, opts: StoreOptions): { banks: [Bank, Bank]; verdict: ImageReport } {
    if (typeof opts?.type !== 'string' || !/^[\x20-\x7e]{4}$/.test(opts.type)) {
      throw new InputError('type', `must be 4 printable ASCII characters, got ${JSON.stringify(opts?.type)}`, opts?.type);
    }
    const pageSize = opts.pageSize ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(pageSize) || pageSize < 1) throw new InputError('pageSize', `must be a positive integer, got ${pageSize}`, pageSize);
    needSize(medium.size);
    const typeBytes = Uint8Array.from(opts.type, (c) => c.charCodeAt(0));
    const banks: [Bank, Bank] = [readBank(medium, 0, typeBytes), readBank(medium, 1, typeBytes)];
    return { banks, verdict: judge(banks, opts.type, opts.kind ?? opts.type) };
  }

  /**
   * Power-on: read both banks and take the newest committed generation. Never writes. Throws
   * {@link NotAnImageError} (no 'UEKS' header), {@link CorruptImageError} (the newest generation,
   * or every bank, fails its check) or InputError (an image of another type). A blank medium
   * gives an empty image (`isBlank`).
   */
  static open(medium: Medium, opts: StoreOptions): AtomicStore {
    const { banks, verdict } = AtomicStore.read(medium, opts);
    const kind = opts.kind ?? opts.type;
    const where = opts.label === undefined ? '' : `${opts.label}: `;
    switch (verdict.status) {
      case 'not-an-image': throw new NotAnImageError(`${opts.label ?? 'the medium'} is not a ${kind} image (${verdict.message})`);
      case 'corrupt': throw new CorruptImageError(`image corrupt: ${where}${verdict.message}`);
      case 'other-type': throw new InputError('image type', verdict.message, verdict.banks.find((b) => b.state === 'other-type')?.detail);
      default: return new AtomicStore(medium, opts, banks, verdict);
    }
  }

  /** What each bank holds and the verdict, without throwing for the content and without writing. */
  static inspect(medium: Medium, opts: StoreOptions): ImageReport {
    return AtomicStore.read(medium, opts).verdict;
  }

  /** True when no image has ever been committed. */
  get isBlank(): boolean { return this.current === null; }
  /** Generation of the current image (0 when blank). */
  get sequence(): bigint { return this.seq; }
  /** Largest payload a bank can hold. */
  get capacity(): number { return this.bankSize - HEADER_LEN; }

  /** A copy of one file, or undefined. */
  read(name: string): Uint8Array | undefined {
    this.alive();
    const d = this.files.get(name);
    return d === undefined ? undefined : d.slice();
  }
  /** Names of the files in the image, sorted. */
  names(): string[] {
    this.alive();
    return [...this.files.keys()].sort();
  }
  /** A copy of the whole image. */
  snapshot(): Map<string, Uint8Array> {
    this.alive();
    return new Map([...this.files].map(([k, v]) => [k, v.slice()]));
  }

  /**
   * One atomic transaction: each entry sets a file (Uint8Array) or deletes it (null). After a
   * power loss at any write step, the next `open` sees either all of the changes or none.
   * The store object is unusable after a failed write (the device is off); open a new one.
   *
   * The previous generation stays in the other bank, unless `retirePrevious`: then, right after the
   * commit, that bank is erased (payload, then header), for an update that deletes or replaces a
   * key which must not survive on the medium (TS 33.501 6.2.2.2, 6.8.1.1.1: retired keys are
   * zeroed).
   */
  update(changes: Iterable<readonly [string, Uint8Array | null]>, opts: { retirePrevious?: boolean } = {}): void {
    this.alive();
    const next = new Map(this.files);
    for (const [name, data] of changes) {
      if (typeof name !== 'string' || !/^[\x20-\x7e]{1,255}$/.test(name)) throw new InputError('file name', `must be 1..255 printable ASCII characters, got ${JSON.stringify(name)}`, name);
      if (data === null) next.delete(name);
      else if (data instanceof Uint8Array) next.set(name, data.slice());
      else throw new InputError(`file ${name}`, 'must be a Uint8Array or null', typeof data);
    }
    const payload = encodePayload(next);
    if (payload.length > this.capacity) throw new InputError('image', `needs ${payload.length} bytes, the bank holds ${this.capacity}`, payload.length);
    const target: 0 | 1 = this.current === 0 ? 1 : 0;
    const seq = this.seq + 1n;
    const run = <T>(f: () => T): T => (this.medium.transaction ? this.medium.transaction(f) : f());
    run(() => { try {
      const base = target * this.bankSize;
      const dirty = this.dirtyLength(target);
      for (let off = 0; off < payload.length; off += this.pageSize) {
        this.medium.write(base + HEADER_LEN + off, payload.subarray(off, off + this.pageSize));
      }
      // 'FF' over what the generation before the previous one left beyond the new payload.
      for (let off = payload.length; off < dirty; off += this.pageSize) {
        this.medium.write(base + HEADER_LEN + off, new Uint8Array(Math.min(this.pageSize, dirty - off)).fill(0xff));
      }
      this.medium.write(base, this.header(seq, payload));
      this.medium.write(base + COMMIT, Uint8Array.of(0x00)); // the commit step
      const old = this.current;
      this.current = target;
      this.seq = seq;
      this.files = next;
      if (old !== null) {
        const oldBase = old * this.bankSize;
        this.medium.write(oldBase + SUPERSEDED, Uint8Array.of(0x00));
        if (opts.retirePrevious) {
          const used = this.dirtyLength(old);
          for (let off = 0; off < used; off += this.pageSize) {
            this.medium.write(oldBase + HEADER_LEN + off, new Uint8Array(Math.min(this.pageSize, used - off)).fill(0xff));
          }
          this.medium.write(oldBase, new Uint8Array(HEADER_LEN).fill(0xff));
        }
      }
    } catch (e) {
      this.dead = true;
      throw e;
    } });
  }

  private alive(): void {
    if (this.dead) throw new PowerLossError(-1);
  }

  private header(seq: bigint, payload: Uint8Array): Uint8Array {
    const h = new Uint8Array(HEADER_LEN);
    const dv = new DataView(h.buffer);
    h.set(MAGIC, 0);
    h[4] = VERSION;
    h[COMMIT] = 0xff;
    h[SUPERSEDED] = 0xff;
    h.set(this.typeBytes, 8);
    dv.setBigUint64(12, seq);
    dv.setUint32(20, payload.length);
    h.set(sha(h.subarray(0, 5), h.subarray(7, 24), payload), 24);
    return h;
  }

  /** How many payload bytes of a bank are not 'FF' (what the new generation must cover). */
  private dirtyLength(bank: 0 | 1): number {
    const b = this.medium.read(bank * this.bankSize + HEADER_LEN, this.capacity);
    let last = b.length - 1;
    while (last >= 0 && b[last] === 0xff) last--;
    return last + 1;
  }
}

/** Read and classify one bank. */
function readBank(medium: Medium, bank: 0 | 1, type: Uint8Array): Bank {
  const bankSize = medium.size / 2;
  const base = bank * bankSize;
  const h = medium.read(base, HEADER_LEN);
  let t = HEADER_LEN;
  while (t > 0 && h[t - 1] === 0xff) t--;
  if (t === 0) return { bank, state: 'erased' };
  const magicOk = (n: number) => { for (let i = 0; i < n; i++) if (h[i] !== MAGIC[i]) return false; return true; };
  // A header write cut within its first five bytes (magic, version): an uncommitted update.
  if (t <= 5 && magicOk(Math.min(t, 4))) return { bank, state: 'uncommitted' };
  if (!magicOk(4)) return { bank, state: 'foreign' };
  const version = h[4];
  const dv = new DataView(h.buffer, h.byteOffset, h.byteLength);
  const generation = dv.getBigUint64(12);
  const damaged = (detail: string): Bank => ({ bank, state: 'damaged', generation, version, detail });
  if (version !== 1 && version !== VERSION) return damaged(`unknown format version ${version}`);
  let superseded = false;
  if (version === VERSION) {
    if (h[COMMIT] === 0xff) return { bank, state: 'uncommitted', generation, version };
    if (h[COMMIT] !== 0x00) return damaged('commit mark is neither FF nor 00');
    if (h[SUPERSEDED] !== 0xff && h[SUPERSEDED] !== 0x00) return damaged('superseded mark is neither FF nor 00');
    superseded = h[SUPERSEDED] === 0x00;
  }
  const len = dv.getUint32(20);
  if (len > bankSize - HEADER_LEN) return damaged(`payload length ${len} exceeds the bank`);
  const payload = medium.read(base + HEADER_LEN, len);
  const digest = version === 1 ? sha(h.subarray(0, 24), payload) : sha(h.subarray(0, 5), h.subarray(7, 24), payload);
  for (let i = 0; i < 32; i++) if (digest[i] !== h[24 + i]) return damaged('SHA-256 mismatch');
  const files = decodePayload(payload);
  if (files === null) return damaged('payload does not parse');
  for (let i = 0; i < 4; i++) if (h[8 + i] !== type[i]) return { bank, state: 'other-type', generation, version, detail: ascii(h.subarray(8, 12)) };
  return { bank, state: 'intact', generation, superseded, version, files };
}
