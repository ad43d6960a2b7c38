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
 * K and OPc/TOPc never leave the module through this API: cardState is the card's opaque NVM and is
 * neither returned nor shown; {@link Usim.show} gives the files and the non-secret SQN state only.
 */
import { existsSync, linkSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { InputError, UeKeysError } from '../errors.js';
import { toHex } from '../hex.js';
import { AtomicStore, DEFAULT_MEDIUM_SIZE, FileMedium, MemoryMedium, type Medium } from '../storage/atomic-store.js';
import {
  FID_5GAUTHKEYS, FID_5GS3GPPLOCI, FID_5GS3GPPNSC, FID_5GSN3GPPLOCI, FID_5GSN3GPPNSC,
  decodeAuthKeys, decodeLoci, decodeNscRecord,
} from './files.js';
import { NVM, UsimModule, type AuthResult, type SqnState, type TuakParams, type UsimAlgorithm } from './module.js';
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

/** Write a fresh image file atomically: temp file, then link (refuses an existing file) or rename (force). */
function writeImageFile(path: string, bytes: Uint8Array, force: boolean): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes, { flush: true });
  try {
    if (force) { renameSync(tmp, path); return; }
    try { linkSync(tmp, path); } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new InputError('image', `${path} already exists (not replaced without force)`, path);
      if (existsSync(path)) throw new InputError('image', `${path} already exists (not replaced without force)`, path);
      renameSync(tmp, path); // file system without hard links
    }
  } finally {
    if (existsSync(tmp)) unlinkSync(tmp);
  }
}

/** A USIM: the firmware module plus its image. */
export class Usim {
  private module: UsimModule | null;

  private constructor(readonly storage: UsimStorage, module: UsimModule) {
    this.module = module;
  }

  /**
   * Personalise a new card and write its image (one transaction). A path must not exist unless
   * `force`; a medium must be blank. Returns the powered-on card.
   */
  static create(target: UsimTarget, opts: UsimCreateOptions): Usim {
    if (opts === null || typeof opts !== 'object') throw new InputError('options', 'must be an object', opts);
    const supi = typeof opts.supi === 'string' ? opts.supi.replace(/^imsi-/i, '') : opts.supi;
    if (typeof target === 'string' && !opts.force && existsSync(target)) {
      throw new InputError('image', `${target} already exists (not replaced without force)`, target);
    }
    const module = new UsimModule();
    try {
      module.personalise({ algorithm: opts.algo ?? 'milenage', k: opts.k, op: opts.op, opc: opts.opc, tuak: opts.tuak });
      if (opts.sqn) module.configureSqn(opts.sqn);
    } catch (e) { module.factoryReset(); throw e; }
    const medium = typeof target === 'string' ? new MemoryMedium(opts.mediumSize ?? DEFAULT_MEDIUM_SIZE) : target;
    const cardState = module.saveState();
    try {
      const storage = initUsimImage(AtomicStore.open(medium, { type: USIM_IMAGE_TYPE }), { supi, services: opts.services, cardState });
      if (typeof target !== 'string') return new Usim(storage, module);
    } catch (e) {
      module.factoryReset(); // a card that was not written is not kept
      throw e;
    } finally { cardState.fill(0); }
    module.factoryReset();
    const bytes = (medium as MemoryMedium).bytes;
    try { writeImageFile(target as string, bytes, opts.force === true); } finally { bytes.fill(0xff); }
    return Usim.open(target);
  }

  /** Power-on: recover the image (anti-tearing), read the files, restore the module from cardState. */
  static open(target: UsimTarget): Usim {
    if (typeof target === 'string' && !existsSync(target)) throw new InputError('image', `${target} does not exist`, target);
    let storage: UsimStorage;
    try {
      storage = UsimStorage.open(AtomicStore.open(typeof target === 'string' ? new FileMedium(target) : target, { type: USIM_IMAGE_TYPE }));
    } catch (e) {
      if (typeof target !== 'string' || !(e instanceof InputError)) throw e;
      throw new InputError('image', `${target} is not a USIM image (${e.message})`, target);
    }
    const cardState = storage.readCardState();
    try {
      if (cardState.length === 0) throw new InputError('image', 'holds no card state (the USIM module was never personalised)', cardState.length);
      const module = new UsimModule();
      module.restoreState(cardState);
      return new Usim(storage, module);
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

  /** Switch off: the module is wiped (the image keeps the card). */
  powerOff(): void {
    this.module?.factoryReset();
    this.module = null;
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
      cardState: { bytes: cardStateBytes, note: 'opaque USIM module NVM (K, OPc/TOPc, SQN array): not shown' },
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
