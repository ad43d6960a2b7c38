/**
 * The USIM's non-volatile file system, on an {@link AtomicStore} image of type 'USIM'. It holds
 * EF IMSI (6F07, the SUPI of type IMSI), EF UST (6F38, the service table that says which DF5GS
 * EFs exist), the DF5GS EFs 4F01..4F05 (TS 31.102 4.4.11) and `cardState`, the NVM region
 * of the USIM firmware module (K and OPc in clear, SQN array: written by that module, never decoded here).
 *
 * Every update — one EF, one record, or several of them — is one atomic transaction of the store
 * (anti-tearing). Image file names: `EF6F07`, `EF6F38`, `EF4F01`, `EF4F02`, `EF4F03#1`,
 * [`EF4F03#2`], `EF4F04#1`, `EF4F05`, `cardState`.
 */
import { InputError } from '../errors.js';
import { AtomicStore } from '../storage/atomic-store.js';
import {
  AUTHKEYS_MIN, FID_5GAUTHKEYS, FID_5GS3GPPLOCI, FID_5GS3GPPNSC, FID_5GSN3GPPLOCI, FID_5GSN3GPPNSC,
  NSC_RECORD_MIN, decodeAuthKeys, decodeLoci, decodeNscRecord, encodeDefaultLoci,
  type AuthKeys, type Decoded, type Loci, type StoredNsc,
} from './files.js';

/** Image type tag of a USIM image. */
export const USIM_IMAGE_TYPE = 'USIM';
/** EF IMSI (TS 31.102 4.2.2). */
export const FID_IMSI = 0x6f07;
/** EF UST, the USIM service table (TS 31.102 4.2.8). */
export const FID_UST = 0x6f38;
/** USIM service n°122: 5GS Mobility Management Information (EFs 4F01..4F04). */
export const SERVICE_5GS_MM_INFO = 122;
/** USIM service n°123: 5G Security Parameters (EF 5GAUTHKEYS). */
export const SERVICE_5G_SECURITY_PARAMETERS = 123;
/** USIM service n°136: multiple records in EF 5GS3GPPNSC (multiple registration). */
export const SERVICE_MULTIPLE_NSC_RECORDS = 136;
/** SAIP template record length of EF 5GS3GPPNSC with two records (service n°136); one record is 57. */
export const SAIP_NSC_RECORD_LENGTH_2 = 62;
/** SAIP template size of EF 5GAUTHKEYS (the minimum is 68; facts §6). */
export const SAIP_AUTHKEYS_SIZE = 110;

/** Access type of a DF5GS file pair (3GPP: 4F01/4F03, non-3GPP: 4F02/4F04). */
import type { Access } from '../types.js'; export type { Access };
/** FID of the NAS security context EF of an access (TS 31.102 4.4.11.4/4.4.11.6). */
export const NSC_FID: Record<Access, number> = { '3gpp': FID_5GS3GPPNSC, non3gpp: FID_5GSN3GPPNSC };
/** FID of the location information EF of an access (TS 31.102 4.4.11.2/4.4.11.3). */
export const LOCI_FID: Record<Access, number> = { '3gpp': FID_5GS3GPPLOCI, non3gpp: FID_5GSN3GPPLOCI };

/** Options of {@link initUsimImage}. */
export interface UsimImageOptions {
  /** SUPI of type IMSI: 6..15 decimal digits. */
  supi: string;
  /** Available USIM services (EF UST); default [122, 123]. */
  services?: readonly number[];
  /** Opaque NVM of the USIM firmware module; default empty. */
  cardState?: Uint8Array;
  /** Record length of EF 5GS3GPPNSC (and EF 5GSN3GPPNSC); default 57, or 62 for EF 5GS3GPPNSC with n°136. */
  nscRecordLength?: number;
  /** Size of EF 5GAUTHKEYS; default 110 (SAIP template), at least 68. */
  authKeysSize?: number;
}

/** One write of a transaction: a whole transparent EF, one record, or the card state. */
export type UsimWrite =
  | { fid: number; record?: undefined; data: Uint8Array }
  | { fid: number; record: number; data: Uint8Array }
  | { cardState: Uint8Array };

/** Image files holding keys: EF 5GS3GPPNSC, EF 5GSN3GPPNSC records and EF 5GAUTHKEYS. */
const RETIRING = /^EF4F0[345](#|$)/;
const efName = (fid: number, record?: number) => `EF${fid.toString(16).toUpperCase().padStart(4, '0')}${record === undefined ? '' : `#${record}`}`;
const fidHex = (fid: number) => fid.toString(16).toUpperCase().padStart(4, '0');

/** EF IMSI content (TS 31.102 4.2.2, TS 24.008 10.5.1.4): length, then digits in BCD with type/parity. */
export function encodeImsi(supi: string): Uint8Array {
  if (typeof supi !== 'string' || !/^[0-9]{6,15}$/.test(supi)) throw new InputError('supi', `must be an IMSI of 6..15 digits, got ${JSON.stringify(supi)}`, supi);
  const d = Array.from(supi, Number);
  const odd = d.length % 2 === 1;
  // Nibbles: [type 001 + parity bit, d1, d2, ..., 'F' filler if even]
  const nibbles = [odd ? 0x9 : 0x1, ...d];
  if (nibbles.length % 2) nibbles.push(0xf);
  const out = new Uint8Array(9).fill(0xff);
  out[0] = nibbles.length / 2;
  for (let i = 0; i < nibbles.length; i += 2) out[1 + i / 2] = nibbles[i] | (nibbles[i + 1] << 4);
  return out;
}

/** Digits of an EF IMSI; throws InputError if the coding is not an IMSI. */
export function decodeImsi(ef: Uint8Array): string {
  const len = ef[0];
  if (ef.length !== 9 || len < 1 || len > 8) throw new InputError('EF IMSI', 'is malformed', ef);
  const nib: number[] = [];
  for (let i = 1; i <= len; i++) nib.push(ef[i] & 0x0f, ef[i] >> 4);
  if ((nib[0] & 0x7) !== 1) throw new InputError('EF IMSI', `identity type ${nib[0] & 7} is not IMSI`, ef);
  const digits = nib.slice(1);
  if (!(nib[0] & 0x8)) { if (digits.pop() !== 0xf) throw new InputError('EF IMSI', 'even length without filler', ef); }
  if (digits.some((x) => x > 9)) throw new InputError('EF IMSI', 'has a non-decimal digit', ef);
  return digits.join('');
}

/** EF UST bitmap (TS 31.102 4.2.8): service n is bit (n−1) mod 8 of byte ⌊(n−1)/8⌋. */
export function encodeUst(services: Iterable<number>): Uint8Array {
  const list = [...services];
  for (const n of list) if (!Number.isInteger(n) || n < 1 || n > 255) throw new InputError('services', `service numbers are 1..255, got ${n}`, n);
  const out = new Uint8Array(Math.max(17, Math.ceil(Math.max(0, ...list) / 8)));
  for (const n of list) out[(n - 1) >> 3] |= 1 << ((n - 1) & 7);
  return out;
}
/** Service numbers set in an EF UST. */
export function decodeUst(ef: Uint8Array): Set<number> {
  const s = new Set<number>();
  for (let n = 1; n <= ef.length * 8; n++) if (ef[(n - 1) >> 3] & (1 << ((n - 1) & 7))) s.add(n);
  return s;
}

/**
 * Personalise a blank image: EF IMSI, EF UST and the DF5GS EFs the services call for, with the
 * SAIP default contents (NSC records and EF 5GAUTHKEYS 'FF', LOCI `FF×16 000000 01`). One
 * transaction. Throws InputError for bad options or a store that already holds an image.
 */
export function initUsimImage(store: AtomicStore, opts: UsimImageOptions): UsimStorage {
  if (!store.isBlank) throw new InputError('image', 'already holds an image', store.sequence);
  const services = new Set(opts.services ?? [SERVICE_5GS_MM_INFO, SERVICE_5G_SECURITY_PARAMETERS]);
  if (services.has(SERVICE_MULTIPLE_NSC_RECORDS) && !services.has(SERVICE_5GS_MM_INFO)) {
    throw new InputError('services', `n°136 needs n°122 (EF 5GS3GPPNSC)`, [...services]);
  }
  const twoRecords = services.has(SERVICE_MULTIPLE_NSC_RECORDS);
  const recLen = opts.nscRecordLength ?? (twoRecords ? SAIP_NSC_RECORD_LENGTH_2 : NSC_RECORD_MIN);
  if (!Number.isInteger(recLen) || recLen < NSC_RECORD_MIN || recLen > 255) throw new InputError('nscRecordLength', `must be ${NSC_RECORD_MIN}..255, got ${recLen}`, recLen);
  const akSize = opts.authKeysSize ?? SAIP_AUTHKEYS_SIZE;
  if (!Number.isInteger(akSize) || akSize < AUTHKEYS_MIN || akSize > 0xffff) throw new InputError('authKeysSize', `must be ≥ ${AUTHKEYS_MIN}, got ${akSize}`, akSize);
  const cardState = opts.cardState ?? new Uint8Array(0);
  if (!(cardState instanceof Uint8Array)) throw new InputError('cardState', 'must be a Uint8Array', cardState);
  const files: [string, Uint8Array][] = [
    [efName(FID_IMSI), encodeImsi(opts.supi)],
    [efName(FID_UST), encodeUst(services)],
    ['cardState', cardState],
  ];
  const ff = (n: number) => new Uint8Array(n).fill(0xff);
  if (services.has(SERVICE_5GS_MM_INFO)) {
    files.push([efName(FID_5GS3GPPLOCI), encodeDefaultLoci()], [efName(FID_5GSN3GPPLOCI), encodeDefaultLoci()]);
    // SAIP: EF 5GS3GPPNSC has 1 × 57 or (n°136) 2 × 62; EF 5GSN3GPPNSC one record of 57.
    files.push([efName(FID_5GS3GPPNSC, 1), ff(recLen)], [efName(FID_5GSN3GPPNSC, 1), ff(opts.nscRecordLength ?? NSC_RECORD_MIN)]);
    if (twoRecords) files.push([efName(FID_5GS3GPPNSC, 2), ff(recLen)]);
  }
  if (services.has(SERVICE_5G_SECURITY_PARAMETERS)) files.push([efName(FID_5GAUTHKEYS), ff(akSize)]);
  store.update(files);
  return UsimStorage.open(store);
}

/** A USIM's files on an image. All reads return copies; all writes are atomic. */
export class UsimStorage {
  /** SUPI (IMSI digits) from EF IMSI. */
  readonly supi: string;
  /** Services available in EF UST. */
  readonly services: ReadonlySet<number>;

  private constructor(readonly store: AtomicStore) {
    const imsi = store.read(efName(FID_IMSI));
    const ust = store.read(efName(FID_UST));
    if (!imsi || !ust) throw new InputError('image', store.isBlank ? 'is blank (no USIM personalised)' : 'lacks EF IMSI or EF UST', store.names());
    this.supi = decodeImsi(imsi);
    this.services = decodeUst(ust);
  }

  /** Open the USIM held by an image (after power-on recovery of the store). */
  static open(store: AtomicStore): UsimStorage {
    return new UsimStorage(store);
  }

  /** Whether service n is available (TS 31.102 4.2.8). */
  hasService(n: number): boolean { return this.services.has(n); }
  /** Whether an EF exists on this card. */
  hasEf(fid: number): boolean {
    return this.store.read(efName(fid)) !== undefined || this.store.read(efName(fid, 1)) !== undefined;
  }
  /** Number of records of a linear fixed EF (0 if absent or transparent). */
  recordCount(fid: number): number {
    let n = 0;
    while (this.store.read(efName(fid, n + 1)) !== undefined) n++;
    return n;
  }
  /** Record length of a linear fixed EF. */
  recordLength(fid: number): number {
    return this.needRecord(fid, 1).length;
  }
  /** Size of a transparent EF. */
  fileSize(fid: number): number {
    return this.readBinary(fid).length;
  }

  /** READ BINARY of a whole transparent EF. Throws InputError if the EF does not exist. */
  readBinary(fid: number): Uint8Array {
    const d = this.store.read(efName(fid));
    if (d === undefined) throw new InputError('fid', `${fidHex(fid)} is not a transparent EF of this USIM`, fid);
    return d;
  }
  /** READ RECORD (1-based). Throws InputError if the EF or record does not exist. */
  readRecord(fid: number, record: number): Uint8Array {
    return this.needRecord(fid, record);
  }
  /** The USIM firmware's NVM region (holds K and OPc in clear; never printed). */
  readCardState(): Uint8Array {
    return this.store.read('cardState') ?? new Uint8Array(0);
  }

  /**
   * One atomic transaction of several writes. A transparent EF is written whole and keeps its size;
   * a record keeps the record length (UPDATE BINARY / UPDATE RECORD, TS 31.101). The card state
   * may change size.
   */
  update(writes: readonly UsimWrite[]): void {
    const changes: [string, Uint8Array][] = [];
    for (const w of writes) {
      if ('cardState' in w) {
        if (!(w.cardState instanceof Uint8Array)) throw new InputError('cardState', 'must be a Uint8Array', w.cardState);
        changes.push(['cardState', w.cardState]);
        continue;
      }
      const cur = w.record === undefined ? this.readBinary(w.fid) : this.needRecord(w.fid, w.record);
      if (!(w.data instanceof Uint8Array)) throw new InputError(`EF ${fidHex(w.fid)} data`, 'must be a Uint8Array', w.data);
      if (w.data.length !== cur.length) {
        throw new InputError(`EF ${fidHex(w.fid)}${w.record === undefined ? '' : ` record ${w.record}`}`, `must be ${cur.length} bytes, got ${w.data.length}`, w.data.length);
      }
      changes.push([efName(w.fid, w.record), w.data]);
    }
    // A replaced or deleted security context or KAUSF/KSEAF must not survive in the previous
    // generation (TS 33.501 6.8.1.1.1, 6.9.3: the old KAMF is deleted); other updates (the SQN
    // array in cardState, LOCI) keep it.
    this.store.update(changes, { retirePrevious: changes.some(([name]) => RETIRING.test(name)) });
  }
  /** UPDATE BINARY of a whole transparent EF (atomic). */
  updateBinary(fid: number, data: Uint8Array): void { this.update([{ fid, data }]); }
  /** UPDATE RECORD (atomic). */
  updateRecord(fid: number, record: number, data: Uint8Array): void { this.update([{ fid, record, data }]); }
  /** Replace the firmware's NVM region (atomic). */
  updateCardState(data: Uint8Array): void { this.update([{ cardState: data }]); }

  /** Decoded EF 5GS3GPPNSC / 5GSN3GPPNSC record, or null if the EF (service n°122) is absent. */
  readNsc(access: Access, record = 1): Decoded<StoredNsc> | null {
    const fid = NSC_FID[access];
    return this.hasEf(fid) ? decodeNscRecord(this.readRecord(fid, record)) : null;
  }
  /** Decoded EF 5GAUTHKEYS, or null if the EF (service n°123) is absent. */
  readAuthKeys(): Decoded<AuthKeys> | null {
    return this.hasEf(FID_5GAUTHKEYS) ? decodeAuthKeys(this.readBinary(FID_5GAUTHKEYS)) : null;
  }
  /** Decoded EF 5GS3GPPLOCI / 5GSN3GPPLOCI, or null if the EF is absent. */
  readLoci(access: Access): Decoded<Loci> | null {
    const fid = LOCI_FID[access];
    return this.hasEf(fid) ? decodeLoci(this.readBinary(fid)) : null;
  }

  private needRecord(fid: number, record: number): Uint8Array {
    if (!Number.isInteger(record) || record < 1) throw new InputError('record', `must be an integer ≥ 1, got ${record}`, record);
    const d = this.store.read(efName(fid, record));
    if (d === undefined) throw new InputError('record', `${record} of EF ${fidHex(fid)} does not exist on this USIM`, record);
    return d;
  }
}
