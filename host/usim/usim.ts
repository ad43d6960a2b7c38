/**
 * The USIM as a device: one instance of the USIM firmware module (./module.ts) together with its
 * non-volatile image (./usim-storage.ts on an {@link AtomicStore} over a file or a medium).
 *
 * - {@link Usim.create} personalises a blank card (K and OPc/TOPc go into the module, once) and
 *   writes the image: EF IMSI, EF UST, the DF5GS EFs and `cardState`, the module's NVM (PERSIST).
 * - {@link Usim.open} is a power-on: the image is recovered and the module restored from cardState.
 * - {@link Usim.authenticate} is AUTHENTICATE (TS 33.102 6.3.3). When it changes the card's NVM
 *   (an accepted SQN, TS 33.102 Annex C), the new cardState is committed atomically *before* the
 *   result is returned, as a card commits its NVM before the response APDU: if the commit fails
 *   (power loss) no RES/CK/IK leaves the card, so the same AUTN can never be answered twice.
 *
 * K and OPc/TOPc never leave the module through this API: cardState is the card's NVM (K and OPc/TOPc in clear) and is
 * neither returned nor shown; {@link Usim.show} gives the files and the non-secret SQN state only.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { InputError, UeKeysError } from '../errors.js';
import { toHex } from '../hex.js';
import { AtomicStore, type ImageReport } from '../storage/atomic-store.js';
import { ImageFileError, NotAnImageError, fsError } from '../storage/errors.js';
import { FileMedium, imageFileSize, readImageFile, removeStrayTemporaries, writeNewImageFile } from '../storage/file-medium.js';
import { ImageLock } from '../storage/image-lock.js';
import { DEFAULT_MEDIUM_SIZE, MemoryMedium, SnapshotMedium, type Medium } from '../storage/medium.js';
import {
  FID_5GAUTHKEYS, FID_5GS3GPPLOCI, FID_5GS3GPPNSC, FID_5GSN3GPPLOCI, FID_5GSN3GPPNSC,
  decodeAuthKeys, decodeLoci, decodeNscRecord,
} from './files.js';
import { variantOf, type Variant } from '../firmware/variant.js';
import { NVM, UsimModule, type AuthResult, type SqnState, type TuakParams, type UsimAlgorithm } from '../firmware/usim-module.js';
import { FID_IMSI, FID_UST, USIM_IMAGE_TYPE, UsimStorage, decodeImsi, decodeUst, initUsimImage } from './usim-storage.js';

/** Where a USIM image lives: a file path (a new process is a power cycle) or a medium. */
export type UsimTarget = string | Medium;

/** Options of {@link Usim.create}. */
export interface UsimCreateOptions {
  /** SUPI of type IMSI: 6..15 digits (an `imsi-` prefix is accepted). */
  supi: string;
  /** Subscriber key K: 16 bytes (MILENAGE), 16 or 32 bytes (TUAK). */
  k: Uint8Array;
  /** OP (16 bytes) or TOP (32 bytes); give exactly one of op and opc. */
  op?: Uint8Array;
  /** OPc (16 bytes) or TOPc (32 bytes). */
  opc?: Uint8Array;
  /** Algorithm set; default 'milenage'. */
  algo?: UsimAlgorithm;
  /** TUAK output lengths and Keccak iterations (TS 35.231 5.1); TUAK only. */
  tuak?: TuakParams;
  /** SQN parameters (TS 33.102 Annex C); default IND 5 bits, Δ = 2^28, no age limit. */
  sqn?: { indBits: number; delta: bigint | number; ageLimit?: bigint | number };
  /** USIM services of EF UST; default [122, 123] (EF 5GS3GPPNSC…, EF 5GAUTHKEYS). */
  services?: readonly number[];
  /** Replace an existing image file (path targets only). */
  force?: boolean;
  /** Size of a new image file in bytes; default 8192 (two banks of 4 KiB). */
  mediumSize?: number;
}

/** One file of the image, decoded for display: hex and fields (keys in hex). */
export interface UsimFileView { file: string; fid: string; record?: number; name: string; clause: string; hex: string; fields: Record<string, unknown> }

/** What `ue-keys usim show` prints: everything but K and OPc/TOPc. */
export interface UsimView {
  supi: string;
  imageSequence: string;
  algorithm: { name: UsimAlgorithm; kBits: number; iterations?: number; macBits: number; resBits: number; ckBits: number; ikBits: number };
  /** TS 33.102 Annex C state; SQN_MS as 6 bytes hex, SEQ_MS(i) as integers. */
  sqn: { indBits: number; delta: number; ageLimit: number; sqnMs: string; seqMs: number[] };
  files: UsimFileView[];
  cardState: { bytes: number; note: string };
}

/** The card was switched off (or a commit failed): power it on again with {@link Usim.open}. */
export class UsimPoweredOffError extends UeKeysError {}

const EF_INFO: Record<number, [string, string]> = {
  [FID_IMSI]: ['EF IMSI', 'TS 31.102 4.2.2'],
  [FID_UST]: ['EF UST', 'TS 31.102 4.2.8'],
  [FID_5GS3GPPLOCI]: ['EF 5GS3GPPLOCI', 'TS 31.102 4.4.11.2'],
  [FID_5GSN3GPPLOCI]: ['EF 5GSN3GPPLOCI', 'TS 31.102 4.4.11.3'],
  [FID_5GS3GPPNSC]: ['EF 5GS3GPPNSC', 'TS 31.102 4.4.11.4'],
  [FID_5GSN3GPPNSC]: ['EF 5GSN3GPPNSC', 'TS 31.102 4.4.11.6'],
  [FID_5GAUTHKEYS]: ['EF 5GAUTHKEYS', 'TS 31.102 4.4.11.5'],
};

/** Uint8Array → hex, recursively (display only). */
function jsonable(v: unknown): unknown {
  if (v instanceof Uint8Array) return toHex(v);
  if (Array.isArray(v)) return v.map(jsonable);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonable(x)]));
  return v;
}

function fieldsOf(fid: number, data: Uint8Array): Record<string, unknown> {
  try {
    switch (fid) {
      case FID_IMSI: return { supi: decodeImsi(data) };
      case FID_UST: return { services: [...decodeUst(data)] };
      case FID_5GS3GPPLOCI: case FID_5GSN3GPPLOCI: return jsonable(decodeLoci(data)) as Record<string, unknown>;
      case FID_5GS3GPPNSC: case FID_5GSN3GPPNSC: return jsonable(decodeNscRecord(data)) as Record<string, unknown>;
      case FID_5GAUTHKEYS: return jsonable(decodeAuthKeys(data)) as Record<string, unknown>;
      default: return {};
    }
  } catch (e) {
    return { valid: false, reason: (e as Error).message };
  }
}

/** Options of {@link Usim.open} (file targets). */
export interface UsimOpenOptions {
  /**
   * `write` (default): the image lock is held until {@link Usim.powerOff}, and every commit checks
   * it is still held. `read`: the file is copied under the lock, which is released at once; the
   * card works on the copy and cannot store anything (AUTHENTICATE then withholds RES).
   */
  access?: 'read' | 'write';
  /** Bound on waiting for another process's lock, in ms (default 10 000); then "image busy". */
  waitMs?: number;
  /** Which build of the USIM module runs the card: 'fast' (build/usim-fast.wasm) or 'small'
   *  (build/usim.wasm); default the process-wide default (host/firmware/variant.ts). Both builds
   *  have the same NVM layout, so an image works with either. */
  variant?: Variant;
}

const STORE = (label?: string) => ({ type: USIM_IMAGE_TYPE, kind: 'USIM', label });

/** Refuse a path whose directory is missing or not a directory, naming the image. */
function needDirectory(path: string): void {
  const dir = dirname(path);
  let st;
  try { st = statSync(dir); } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new ImageFileError(path, 'ENOENT', `cannot create it: directory ${dir} does not exist (ENOENT)`);
    return fsError(e, path, 'create it');
  }
  if (!st.isDirectory()) throw new ImageFileError(path, 'ENOTDIR', `cannot create it: ${dir} is not a directory (ENOTDIR)`);
}

/**
 * The lock of an image file for a read: taken when the directory allows it; an image in a place
 * this process cannot create files in (read-only mount, no write permission) is read without it,
 * since no process of this kind can update it there either.
 */
function readLock(path: string, waitMs?: number): ImageLock | null {
  try { return ImageLock.acquire(path, waitMs); } catch (e) {
    if (e instanceof ImageFileError && ['EACCES', 'EPERM', 'EROFS'].includes(e.code)) return null;
    throw e;
  }
}

/**
 * What `usim check` reports: the verdict on each bank of an image file (read under the lock, never
 * written).
 */
export function checkUsimImage(path: string, opts: { waitMs?: number } = {}): ImageReport {
  imageFileSize(path);
  const lock = readLock(path, opts.waitMs);
  let bytes: Uint8Array | null;
  try { bytes = readImageFile(path); } finally { lock?.release(); }
  try {
    if (bytes === null) throw new NotAnImageError(`${path} is not a USIM image (larger than any image)`);
    try { new SnapshotMedium(bytes, path); } catch (e) {
      if (e instanceof InputError) throw new NotAnImageError(`${path} is not a USIM image (size ${bytes.length} bytes)`);
      throw e;
    }
    return AtomicStore.inspect(new SnapshotMedium(bytes, path), STORE(path));
  } finally { bytes?.fill(0); }
}

/** A USIM: the firmware module plus its image. */
export class Usim {
  private module: UsimModule | null;
  private files: UsimStorage;

  private constructor(storage: UsimStorage, module: UsimModule, private readonly file: FileMedium | null = null) {
    this.files = storage;
    this.module = module;
  }

  /** The card's file system (EFs), as last read from or written to the image. */
  get storage(): UsimStorage { return this.files; }

  /**
   * Personalise a new card and write its image (one transaction). A path must not exist unless
   * `force`; it is written whole (mode 0600) under the image lock, never half-visible. A medium
   * must be blank. Returns the powered-on card.
   */
  static create(target: UsimTarget, opts: UsimCreateOptions & UsimOpenOptions): Usim {
    if (opts === null || typeof opts !== 'object') throw new InputError('options', 'must be an object', typeof opts);
    variantOf(opts); // a bad variant is refused before any lock or file
    const supi = typeof opts.supi === 'string' ? opts.supi.replace(/^imsi-/i, '') : opts.supi;
    let lock: ImageLock | null = null;
    if (typeof target === 'string') {
      if (target === '' || target.includes('\0')) throw new InputError('image', 'must be a file path', target.length);
      needDirectory(target);
      lock = ImageLock.acquire(target, opts.waitMs);
    }
    try {
      if (typeof target === 'string') {
        removeStrayTemporaries(target);
        if (!opts.force && existsSync(target)) throw new ImageFileError(target, 'EEXIST', 'already exists (not replaced without force)');
      }
      const module = new UsimModule({ variant: opts.variant });
      try {
        module.personalise({ algorithm: opts.algo ?? 'milenage', k: opts.k, op: opts.op, opc: opts.opc, tuak: opts.tuak });
        if (opts.sqn) module.configureSqn(opts.sqn);
      } catch (e) { module.factoryReset(); throw e; }
      const medium = typeof target === 'string' ? new MemoryMedium(opts.mediumSize ?? DEFAULT_MEDIUM_SIZE) : target;
      const cardState = module.saveState();
      try {
        const storage = initUsimImage(AtomicStore.open(medium, STORE()), { supi, services: opts.services, cardState });
        if (typeof target !== 'string') return new Usim(storage, module);
      } catch (e) {
        module.factoryReset(); // a card that was not written is not kept
        throw e;
      } finally { cardState.fill(0); }
      module.factoryReset();
      const bytes = (medium as MemoryMedium).bytes;
      try { writeNewImageFile(target as string, bytes, opts.force === true); } finally { bytes.fill(0xff); }
    } finally { lock?.release(); }
    return Usim.open(target, opts);
  }

  /**
   * Power-on: read the image (never writing it), read the files, restore the module from
   * cardState. A file that is not a USIM image, or whose newest generation fails its check, is
   * refused and left byte for byte as it was.
   */
  static open(target: UsimTarget, opts: UsimOpenOptions = {}): Usim {
    const variant = variantOf(opts); // a bad variant is refused before the image is touched
    if (typeof target !== 'string') return Usim.fromMedium(target, undefined, null, variant);
    if (target === '' || target.includes('\0')) throw new InputError('image', 'must be a file path', target.length);
    imageFileSize(target); // ENOENT, EISDIR, … named before any lock file is made
    const write = (opts.access ?? 'write') === 'write';
    const lock = write ? ImageLock.acquire(target, opts.waitMs) : readLock(target, opts.waitMs);
    let snapshot: SnapshotMedium | null = null;
    let fm: FileMedium | null = null;
    try {
      if (lock) removeStrayTemporaries(target);
      let medium: Medium;
      if (write) {
        fm = new FileMedium(target, { waitMs: opts.waitMs, lock: lock! });
        fm.checkWritable(); // an image that cannot store an SQN is refused before AUTHENTICATE
        medium = fm;
      } else {
        const bytes = readImageFile(target);
        lock?.release();
        if (bytes === null) throw new NotAnImageError(`${target} is not a USIM image (larger than any image)`);
        medium = snapshot = new SnapshotMedium(bytes, target);
      }
      const usim = Usim.fromMedium(medium, target, fm, variant);
      // The card does not keep the lock between commands: each AUTHENTICATE takes it and first
      // re-reads the image if another process changed it.
      fm?.releaseLock();
      snapshot?.wipe(); // the store keeps its own decoded copy; the raw bytes (K/OPc) go
      return usim;
    } catch (e) {
      if (fm) fm.releaseLock(); else lock?.release();
      snapshot?.wipe();
      if (e instanceof InputError && e.field === 'medium size') throw new NotAnImageError(`${target} is not a USIM image (${e.message})`);
      throw e;
    }
  }

  private static fromMedium(medium: Medium, label?: string, file: FileMedium | null = null, variant?: Variant): Usim {
    let storage: UsimStorage;
    try {
      storage = UsimStorage.open(AtomicStore.open(medium, STORE(label)));
    } catch (e) {
      if (label === undefined || !(e instanceof InputError)) throw e;
      throw new NotAnImageError(`${label} is not a USIM image (${e.message})`);
    }
    const cardState = storage.readCardState();
    try {
      if (cardState.length === 0) throw new InputError('image', 'holds no card state (the USIM module was never personalised)', cardState.length);
      const module = new UsimModule({ variant });
      module.restoreState(cardState);
      return new Usim(storage, module, file);
    } finally { cardState.fill(0); }
  }

  /** SUPI (IMSI digits) from EF IMSI. */
  get supi(): string { return this.storage.supi; }
  /** Whether the card is on (false after powerOff or a failed commit). */
  get poweredOn(): boolean { return this.module !== null; }
  /** The algorithm set the card was personalised with. */
  get algorithm(): UsimAlgorithm { return this.nvmByte(NVM.ALGO) === 1 ? 'tuak' : 'milenage'; }

  /**
   * AUTHENTICATE (TS 33.102 6.3.3): RES/CK/IK, a synchronisation failure with AUTS, or a MAC
   * failure. A changed card NVM (accepted SQN) is committed to the image before returning; if the
   * commit throws, the card powers off and the error propagates (no RES is returned).
   */
  authenticate(rand: Uint8Array, autn: Uint8Array): AuthResult {
    const file = this.file;
    if (!file) return this.authenticateNow(rand, autn);
    this.on();
    // One read-modify-write under the image lock: the SQN state is the one on disk now.
    return file.withLock(() => {
      if (!file.isCurrent()) this.reload(file);
      return this.authenticateNow(rand, autn);
    });
  }

  /** Re-read the image (another process committed a newer generation) and restore the module from it. */
  private reload(file: FileMedium): void {
    const m = this.on();
    let storage: UsimStorage;
    try {
      storage = UsimStorage.open(AtomicStore.open(file, STORE(file.path)));
    } catch (e) { this.powerOff(); throw e; }
    file.rebase();
    const cardState = storage.readCardState();
    try {
      m.factoryReset();
      m.restoreState(cardState);
    } catch (e) { this.powerOff(); throw e; } finally { cardState.fill(0); }
    this.files = storage;
  }

  private authenticateNow(rand: Uint8Array, autn: Uint8Array): AuthResult {
    const m = this.on();
    const before = m.saveState();
    const r = m.authenticate(rand, autn);
    const after = m.saveState();
    try {
      if (!Buffer.from(before).equals(Buffer.from(after))) {
        try { this.storage.updateCardState(after); } catch (e) {
          if (r.kind === 'ok') { r.res.fill(0); r.ck.fill(0); r.ik.fill(0); }
          this.powerOff();
          throw e;
        }
      }
    } finally { before.fill(0); after.fill(0); }
    return r;
  }

  /** Non-secret SQN state of the card (TS 33.102 Annex C). */
  sqnState(): SqnState { return this.on().sqnState(); }

  /** Switch off: the module is wiped (the image keeps the card) and the image lock released. */
  powerOff(): void {
    this.module?.factoryReset();
    this.module = null;
    this.file?.releaseLock();
  }

  /** Decoded files (hex and fields), algorithm parameters and SQN state; never K or OPc/TOPc. */
  show(): UsimView {
    const s = this.sqnState();
    const n = (b: number) => this.nvmByte(b);
    const algo = this.algorithm;
    const files: UsimFileView[] = [];
    let cardStateBytes = 0;
    for (const name of this.storage.store.names()) {
      if (name === 'cardState') { cardStateBytes = this.storage.readCardState().fill(0).length; continue; }
      const m = /^EF([0-9A-F]{4})(?:#(\d+))?$/.exec(name);
      if (!m) continue;
      const fid = parseInt(m[1], 16), record = m[2] === undefined ? undefined : Number(m[2]);
      const data = record === undefined ? this.storage.readBinary(fid) : this.storage.readRecord(fid, record);
      const [efName, clause] = EF_INFO[fid] ?? [`EF ${m[1]}`, 'TS 31.102'];
      files.push({ file: name, fid: m[1], ...(record === undefined ? {} : { record }), name: efName, clause, hex: toHex(data), fields: fieldsOf(fid, data) });
    }
    return {
      supi: this.supi,
      imageSequence: this.storage.store.sequence.toString(),
      algorithm: {
        name: algo, kBits: 8 * n(NVM.K_LEN), ...(algo === 'tuak' ? { iterations: n(NVM.ITERATIONS) } : {}),
        macBits: 8 * n(NVM.MAC_LEN), resBits: 8 * n(NVM.RES_LEN), ckBits: 8 * n(NVM.CK_LEN), ikBits: 8 * n(NVM.IK_LEN),
      },
      sqn: {
        indBits: s.indBits, delta: Number(s.delta), ageLimit: Number(s.ageLimit),
        sqnMs: s.sqnMs.toString(16).padStart(12, '0'), seqMs: s.seqMs.map(Number),
      },
      files,
      cardState: { bytes: cardStateBytes, note: 'USIM module NVM (K and OPc/TOPc in clear, SQN array): not shown' },
    };
  }

  /** One non-secret byte of the module's NVM (the copy holding K is wiped at once). */
  private nvmByte(off: number): number {
    const st = this.on().saveState();
    const v = st[off];
    st.fill(0);
    return v;
  }

  private on(): UsimModule {
    if (!this.module) throw new UsimPoweredOffError('USIM is powered off (open the image again)');
    return this.module;
  }
}
