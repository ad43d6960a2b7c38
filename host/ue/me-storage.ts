/**
 * ME non-volatile storage for the 5GMM parameters a USIM cannot hold (TS 24.501 Annex C.1,
 * TS 33.501 6.2.2.2 and 6.8.1.1.1): the native 5G NAS security context per access, KAUSF/KSEAF and
 * the 5G-GUTI/TAI/update status, always stored together with the SUPI of the USIM they belong to.
 *
 * On an {@link AtomicStore} image of type 'MENV'. Image file names and contents (the items use the
 * same byte layouts as the corresponding USIM EFs, so one codec serves both):
 *   `SUPI`          IMSI digits, ASCII
 *   `NSC/3gpp`      EF 5GS3GPPNSC record layout, 57 bytes (ngKSI '07' = marked invalid)
 *   `NSC/non3gpp`   EF 5GSN3GPPNSC record layout, 57 bytes
 *   `5GAUTHKEYS`    EF 5GAUTHKEYS layout, 68 bytes
 *   `LOCI/3gpp`, `LOCI/non3gpp`   EF 5GS3GPPLOCI layout, 20 bytes
 * Every write carries the SUPI in the same transaction, so an item never exists without the SUPI
 * it was stored with.
 */
import { InputError, UeKeysError } from '../errors.js';
import { existsSync } from 'node:fs';
import { AtomicStore } from '../storage/atomic-store.js';
import { FileMedium, removeStrayTemporaries } from '../storage/file-medium.js';
import { ImageLock } from '../storage/image-lock.js';
import { DEFAULT_MEDIUM_SIZE } from '../storage/medium.js';
import {
  decodeAuthKeys, decodeLoci, decodeNscRecord, encodeAuthKeys, encodeLoci, encodeNoNscRecord, encodeNscRecord,
  type AuthKeys, type Decoded, type Loci, type StoredNsc,
} from '../usim/files.js';
import type { Access } from '../usim/usim-storage.js';

/** Image type tag of an ME NVM image. */
export const ME_IMAGE_TYPE = 'MENV';

const SUPI = 'SUPI';
const nscName = (a: Access) => `NSC/${a}`;
const lociName = (a: Access) => `LOCI/${a}`;
const AUTHKEYS = '5GAUTHKEYS';
const ITEMS = [nscName('3gpp'), nscName('non3gpp'), AUTHKEYS, lociName('3gpp'), lociName('non3gpp')];

/** What power-on did to the ME storage. */
export interface MePowerOnResult {
  /** True if stored parameters were deleted. */
  deleted: boolean;
  reason: 'no-usim' | 'supi-mismatch' | 'supi-match' | 'empty';
}

/** Raised when the ME storage is used before a USIM's SUPI has been bound at power-on. */
export class MeStorageStateError extends UeKeysError {}

/** One change of an ME transaction. `null` context = mark invalid; `delete` removes the item. */
export type MeChange =
  | { item: 'nsc'; access: Access; context: StoredNsc | null; marked?: 'valid' | 'invalid' }
  | { item: 'authKeys'; keys: AuthKeys | null }
  | { item: 'loci'; access: Access; loci: Loci | null }
  | { item: 'delete-nsc'; access: Access };

/** The ME's NVM. Reads are available only after {@link MeStorage.powerOn} with a USIM. */
export class MeStorage {
  private bound: string | null = null;

  private constructor(readonly store: AtomicStore) {}

  /** Open the ME NVM held by an image (a blank image is an empty NVM). */
  static open(store: AtomicStore): MeStorage {
    return new MeStorage(store);
  }

  /** The SUPI stored with the parameters, or null. */
  get storedSupi(): string | null {
    const s = this.store.read(SUPI);
    return s === undefined ? null : String.fromCharCode(...s);
  }
  /** The SUPI of the USIM inserted at power-on (null: none, or not powered on). */
  get boundSupi(): string | null { return this.bound; }

  /**
   * Power-up with the inserted USIM's SUPI (null: no USIM). Deletes everything stored when there is
   * no USIM or when the USIM's SUPI differs from the stored one (TS 33.501 6.2.2.2, TS 24.501 C.1);
   * keeps it when they match. One atomic transaction.
   */
  powerOn(usimSupi: string | null): MePowerOnResult {
    if (usimSupi !== null && (typeof usimSupi !== 'string' || !/^[0-9]{6,15}$/.test(usimSupi))) {
      throw new InputError('supi', `must be an IMSI of 6..15 digits or null, got ${JSON.stringify(usimSupi)}`, usimSupi);
    }
    this.bound = usimSupi;
    const stored = this.storedSupi;
    const hasAny = stored !== null || this.store.names().length > 0;
    if (!hasAny) return { deleted: false, reason: 'empty' };
    if (usimSupi !== null && stored === usimSupi) return { deleted: false, reason: 'supi-match' };
    this.deleteAll();
    return { deleted: true, reason: usimSupi === null ? 'no-usim' : 'supi-mismatch' };
  }

  /** The USIM was removed while powered on: delete everything (TS 33.501 6.2.2.2). */
  usimRemoved(): void {
    this.bound = null;
    this.deleteAll();
  }

  /** Stored context of an access (decoded), or null when none is stored. */
  readNsc(access: Access): Decoded<StoredNsc> | null {
    const d = this.readItem(nscName(access));
    return d === undefined ? null : decodeNscRecord(d);
  }
  /** Stored KAUSF/KSEAF, or null. */
  readAuthKeys(): Decoded<AuthKeys> | null {
    const d = this.readItem(AUTHKEYS);
    return d === undefined ? null : decodeAuthKeys(d);
  }
  /** Stored 5G-GUTI/TAI/update status of an access, or null. */
  readLoci(access: Access): Decoded<Loci> | null {
    const d = this.readItem(lociName(access));
    return d === undefined ? null : decodeLoci(d);
  }

  /** The raw stored context record of an access (for display: content and validity), or null. */
  readNscBytes(access: Access): Uint8Array | null {
    return this.readItem(nscName(access)) ?? null;
  }

  /** Whether anything is stored for `access`'s context (valid or marked invalid). */
  hasNsc(access: Access): boolean {
    return this.store.read(nscName(access)) !== undefined;
  }

  /**
   * One atomic transaction, stored with the bound SUPI. A null context writes the ngKSI '07'
   * record (marked invalid); null keys or LOCI delete the item.
   */
  update(changes: readonly MeChange[]): void {
    const supi = this.needBound();
    const tx: [string, Uint8Array | null][] = [[SUPI, Uint8Array.from(supi, (c) => c.charCodeAt(0))]];
    for (const c of changes) {
      switch (c.item) {
        case 'nsc': tx.push([nscName(c.access), c.context === null ? encodeNoNscRecord() : encodeNscRecord(c.context, undefined, c.marked ?? 'valid')]); break;
        case 'delete-nsc': tx.push([nscName(c.access), null]); break;
        case 'authKeys': tx.push([AUTHKEYS, c.keys === null ? null : encodeAuthKeys(c.keys)]); break;
        case 'loci': tx.push([lociName(c.access), c.loci === null ? null : encodeLoci(c.loci)]); break;
        default: throw new InputError('change', 'unknown item', c);
      }
    }
    // Replacing or deleting a context or KAUSF/KSEAF erases the previous generation right after
    // the commit (TS 33.501 6.2.2.2, 6.8.1.1.1); a LOCI-only update keeps it.
    this.store.update(tx, { retirePrevious: changes.some((c) => c.item !== 'loci') });
  }

  private readItem(name: string): Uint8Array | undefined {
    this.needBound();
    return this.store.read(name);
  }
  private needBound(): string {
    if (this.bound === null) throw new MeStorageStateError('ME storage: no USIM bound (call powerOn with the USIM SUPI)');
    if (this.storedSupi !== null && this.storedSupi !== this.bound) {
      throw new MeStorageStateError('ME storage: stored SUPI differs from the USIM (powerOn deletes it)');
    }
    return this.bound;
  }
  private deleteAll(): void {
    const names = this.store.names();
    if (names.length === 0) return;
    this.store.update(names.map((n) => [n, null] as const), { retirePrevious: true });
  }
}

/** Names of the parameter items an ME image may hold (for inspection tools). */
export const ME_ITEMS: readonly string[] = ITEMS;

/** An ME NVM image file opened by {@link openMeImageFile}; `close()` releases its lock. */
export interface MeImageFile { readonly me: MeStorage; readonly medium: FileMedium; close(): void }

/**
 * Open the ME NVM image file at `path` under its exclusive lock (held until `close()`), creating a
 * blank one (mode 0600, written whole) if it does not exist. A file that is not an ME NVM image,
 * or whose newest generation fails its check, is refused and left untouched (the rules of the USIM
 * image: host/storage/atomic-store.ts).
 */
export function openMeImageFile(path: string, opts: { waitMs?: number; size?: number } = {}): MeImageFile {
  const lock = ImageLock.acquire(path, opts.waitMs);
  try {
    removeStrayTemporaries(path);
    const o = { waitMs: opts.waitMs, lock };
    const medium = existsSync(path) ? new FileMedium(path, o) : FileMedium.create(path, opts.size ?? DEFAULT_MEDIUM_SIZE, o);
    const me = MeStorage.open(AtomicStore.open(medium, { type: ME_IMAGE_TYPE, kind: 'ME NVM', label: path }));
    return { me, medium, close: () => medium.releaseLock() };
  } catch (e) { lock.release(); throw e; }
}
