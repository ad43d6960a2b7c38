/**
 * Where the UE keeps its native 5G NAS security context, KAUSF/KSEAF and 5G-GUTI/TAI between
 * registrations and across power cycles: a small state machine over the USIM files and the ME NVM
 * following TS 33.501 6.8.1.1.2.1 (power-on, registration), 6.8.1.1.1 (deregistration), 6.9.3
 * (replacement on completion), 6.2.2.2 (KAUSF/KSEAF, USIM change) and TS 24.501 Annex C.1.
 *
 * Placement (TS 24.501 C.1): each item goes to its USIM EF when the EF exists (EF 5GS3GPPNSC /
 * 5GSN3GPPNSC under service n°122, EF 5GAUTHKEYS under n°123, EF 5GS3GPPLOCI / 5GSN3GPPLOCI under
 * n°122); otherwise to ME NVM with the SUPI. When the USIM holds an item, any ME copy is deleted
 * after the USIM write (6.8.1.1.1: "no copy kept in NV"); the USIM copy is always read first, so a
 * power loss between the two writes is harmless.
 *
 * Validity (TS 33.501 6.8.1.1.2.1, 6.8.1.1.1): the stored copy is marked INVALID when a
 * registration starts (initial or mobility) and stays invalid while the UE is registered — the
 * completion of a registration replaces its content (6.9.3: "replace the currently stored KAMF and
 * ngKSI") but writes it marked invalid, because the COUNTs in RAM move on with every message. It
 * is written back with its COUNTs and marked VALID only when the UE leaves RM-REGISTERED
 * (deregistration, switch-off) or when an attempt to leave RM-DEREGISTERED fails (6.8.1.1.2.1:
 * "If the attempt to transition away from RM DEREGISTERED state … fails, the ME shall store the
 * (possibly updated) 5G NAS security context … and mark it as valid"). A failed MOBILITY or
 * periodic registration update is not such an attempt: the UE stays RM-REGISTERED and keeps
 * counting on the context in RAM, so the copy is written back with its COUNTs but stays marked
 * invalid. So a power loss at any point never finds a valid copy whose UL/DL NAS COUNT has
 * already been used with its KAMF: power-on loads nothing, the UE sends ngKSI '111' and is
 * authenticated (6.8.1.2.1).
 *
 * REGISTRATION REJECT #3/#6/#7 (TS 24.501 5.5.1.3.5, 5.5.1.2.5): the context, KAUSF/KSEAF and
 * EF 5GS3GPPLOCI (5G-GUTI deleted, TAI deleted, update status 5U3) go in one transaction, and the
 * USIM is "invalid for 5GS services until switching off or the UICC containing the USIM is
 * removed": {@link ContextStore.usimInvalidFor5gs} refuses every registration until
 * {@link ContextStore.powerOn} or {@link ContextStore.usimRemoved}.
 *
 * "Marked invalid" is KSI '111' in tag 80 (facts §6; 6.2.2.2 "set the KSI value of ngKSI to
 * '111'"): `A0 03 80 01 07` when there is no content (deleted, NIA0, after SRVCC), or the content
 * kept with the KSI moved to b7–b5 (modelling choice, host/usim/files.ts). Every write step of
 * either medium is reported to {@link ContextStore.onWrite}, so the order is observable.
 * Plain data only: the firmware is wired in by the caller.
 */
import { UeKeysError } from '../errors.js';
import {
  FID_5GAUTHKEYS, encodeAuthKeys, inspectNscRecord, encodeLoci, encodeNoAuthKeys, rejectedLoci, encodeNoNscRecord, encodeNscRecord,
  type AuthKeys, type Decoded, type Loci, type StoredNsc,
} from '../usim/files.js';
import { LOCI_FID, NSC_FID, type Access, type UsimStorage } from '../usim/usim-storage.js';
import type { MeChange, MePowerOnResult, MeStorage } from './me-storage.js';

/** A full native 5G NAS security context minus NAS keys and UE security capabilities (6.8.1.1.1). */
export type NativeContext = StoredNsc;
/** RM state as far as storage is concerned. */
export type ContextState = 'off' | 'deregistered' | 'registering' | 'registered';
/** Initial registration (leaves RM-DEREGISTERED) or mobility/periodic registration update. */
export type RegistrationKind = 'initial' | 'mobility';
/**
 * Deregistration causes of 6.8.1.1.1: `normal` and `switch-off` store the current native context
 * (valid); `reject` (Registration Reject, "subscription withdrawn") removes the stored context and
 * KAUSF/KSEAF.
 */
export type DeregistrationKind = 'normal' | 'switch-off' | 'reject';
/** Where an item is kept. */
export type Location = 'usim' | 'me';

/** What power-on found. */
export interface PowerOnResult {
  /** The loaded context (now current), or null: the UE sends ngKSI '111' (6.8.1.2.1). */
  context: NativeContext | null;
  source: Location | null;
  /** Why no context was loaded (decoder reason, "nothing stored", "no USIM"), or 'loaded'. */
  reason: string;
  me: MePowerOnResult;
}

/** A call that the current state does not allow. */
export class ContextStateError extends UeKeysError {}

function copyContext(c: NativeContext): NativeContext {
  return { ...c, kamf: c.kamf.slice(), nasAlgs: { ...c.nasAlgs }, epsNasAlgs: c.epsNasAlgs && { ...c.epsNasAlgs } };
}
/** A null-integrity (NIA0) context is never stored (TS 33.501 10.2.x, facts §7). */
const storable = (c: NativeContext | null): c is NativeContext => c !== null && c.nasAlgs.integrity !== 0;

/** One write step on a medium, in the order it happened (no key bytes: names and validity only). */
export interface StoreWrite {
  medium: Location;
  item: 'nsc' | 'authKeys' | 'loci';
  action: 'write-valid' | 'write-invalid' | 'mark-invalid' | 'delete';
}

/** The storage rules for one access type (and one EF 5GS3GPPNSC record under service n°136). */
export class ContextStore {
  private st: ContextState = 'off';
  private kind: RegistrationKind = 'initial';
  private ram: NativeContext | null = null;
  private card: UsimStorage | null = null;
  private invalid5gs = false;
  readonly access: Access;
  readonly nscRecord: number;
  /** Every write step (USIM or ME NVM), in order; see {@link StoreWrite}. */
  readonly writes: StoreWrite[] = [];
  /** Called after each write step (the UE device turns it into trace lines). */
  onWrite: ((w: StoreWrite) => void) | null = null;

  constructor(readonly me: MeStorage, options: { access?: Access; nscRecord?: number } = {}) {
    this.access = options.access ?? '3gpp';
    this.nscRecord = options.nscRecord ?? 1;
  }

  get state(): ContextState { return this.st; }
  /** A copy of the current context in RAM. */
  get current(): NativeContext | null { return this.ram && copyContext(this.ram); }
  /** The USIM inserted at power-on. */
  get usim(): UsimStorage | null { return this.card; }
  /** Where the native context of this access is kept with the inserted USIM. */
  get nscLocation(): Location { return this.card?.hasEf(NSC_FID[this.access]) ? 'usim' : 'me'; }
  /** After REGISTRATION REJECT #3/#6/#7 the USIM is "invalid for 5GS services until switching off or
   *  the UICC containing the USIM is removed" (TS 24.501 5.5.1.3.5): no registration may start. */
  get usimInvalidFor5gs(): boolean { return this.invalid5gs; }

  /**
   * Power-on (6.8.1.1.2.1, 6.2.2.2): bind the ME NVM to the USIM (deleting it on no USIM or
   * a SUPI mismatch), then load the stored native context — from the USIM if it has the EF, else
   * from ME NVM — only if it is marked valid. RAM starts empty, as after any power cycle.
   */
  powerOn(usim: UsimStorage | null): PowerOnResult {
    this.card = usim;
    this.ram = null;
    this.invalid5gs = false; // switched on again: the USIM is no longer considered invalid (5.5.1.3.5)
    this.st = 'deregistered';
    this.kind = 'initial';
    const me = this.me.powerOn(usim?.supi ?? null);
    if (usim === null) return { context: null, source: null, reason: 'no USIM', me };
    const source = this.nscLocation;
    const d = this.readStoredNsc();
    if (d === null) return { context: null, source, reason: 'nothing stored', me };
    if (!d.valid) return { context: null, source, reason: d.reason, me };
    const { valid: _, ...ctx } = d;
    this.ram = ctx;
    return { context: copyContext(ctx), source, reason: 'loaded', me };
  }

  /** The USIM was removed while powered on: ME copies and RAM contexts go (6.2.2.2). */
  usimRemoved(): void {
    this.me.usimRemoved();
    this.card = null;
    this.ram = null;
    this.invalid5gs = false; // "until … the UICC containing the USIM is removed" (TS 24.501 5.5.1.3.5)
    this.st = 'off';
  }

  /**
   * Start a registration (6.8.1.1.2.1): the stored copy is marked invalid while the attempt
   * is in progress — for an initial registration (leaving RM-DEREGISTERED) and for a mobility or
   * periodic registration update (from RM-REGISTERED, where it is already invalid: neither the
   * completion nor a failed update writes it valid). The content stays, in case this attempt fails.
   * Refused while the USIM is invalid for 5GS services (TS 24.501 5.5.1.3.5).
   */
  beginRegistration(kind: RegistrationKind = 'initial'): void {
    this.needUsim('beginRegistration');
    if (this.invalid5gs) throw new ContextStateError('beginRegistration: the USIM is invalid for 5GS services after REGISTRATION REJECT #3/#6/#7 until switch-off or USIM removal (TS 24.501 5.5.1.3.5)');
    const from = kind === 'initial' ? 'deregistered' : 'registered';
    if (this.st !== from) throw new ContextStateError(`beginRegistration('${kind}') needs state ${from}, state is ${this.st}`);
    const d = this.readStoredNsc();
    if (d?.valid) { const { valid: _v, ...c } = d; this.writeNsc(c, 'invalid'); }
    this.kind = kind;
    this.st = 'registering';
  }

  /**
   * Power lost (battery removed, crash): RAM is gone and nothing is written — whatever the media
   * hold stays as it is. The next {@link powerOn} decides from the stored validity alone.
   */
  powerLoss(): void {
    this.ram = null;
    this.st = 'off';
  }

  /** The stored record of this access as it is now: validity and content (display, tests). */
  stored(): { valid: boolean; content: NativeContext | null; location: Location } | null {
    if (this.card === null) return null;
    const loc = this.nscLocation;
    const raw = loc === 'usim' ? this.card.readRecord(NSC_FID[this.access], this.nscRecord) : this.me.readNscBytes(this.access);
    if (raw === null) return { valid: false, content: null, location: loc };
    const r = inspectNscRecord(raw);
    return { valid: r.valid, content: r.content, location: loc };
  }

  /**
   * The attempt failed: write back the possibly updated context, COUNTs included (a NIA0 context
   * is not stored; with null nothing is written back). Marked VALID only after a failed initial
   * registration — the attempt to leave RM-DEREGISTERED of TS 33.501 6.8.1.1.2.1 ("If the attempt
   * to transition away from RM DEREGISTERED state … fails, the ME shall store the (possibly
   * updated) 5G NAS security context … and mark it as valid"). After a failed mobility/periodic
   * registration update the UE stays RM-REGISTERED and goes on using the context, so the copy
   * stays marked INVALID (6.8.1.1.2.1: invalid while registered); a power loss then finds no
   * valid copy and the UE authenticates.
   */
  registrationFailed(context: NativeContext | null = this.ram): void {
    this.needState('registrationFailed', 'registering');
    if (storable(context)) this.writeNsc(context, this.kind === 'initial' ? 'valid' : 'invalid');
    this.ram = context && copyContext(context);
    this.st = this.kind === 'initial' ? 'deregistered' : 'registered';
  }

  /**
   * The registration completed (6.9.3): the stored KAMF and ngKSI, with the COUNTs and algorithms,
   * are replaced by the new context in one atomic record update — marked INVALID, since the UE is
   * now RM-REGISTERED and keeps using (and counting on) this context (6.8.1.1.2.1). A NIA0 context
   * is not stored: the stored copy is marked invalid with no content instead (10.2.x).
   */
  registrationCompleted(newContext: NativeContext): void {
    this.needState('registrationCompleted', 'registering');
    encodeNscRecord(newContext); // validate before any write
    this.writeNsc(storable(newContext) ? newContext : null, 'invalid');
    this.ram = copyContext(newContext);
    this.st = 'registered';
  }

  /**
   * Enter RM-DEREGISTERED (6.8.1.1.1). `normal`/`switch-off`: store the full native context
   * (default: the current one, with its COUNTs) marked valid, or mark the stored copy invalid if
   * there is none. `reject` (REGISTRATION REJECT #3/#6/#7, TS 24.501 5.5.1.3.5): mark the context
   * invalid, delete KAUSF/KSEAF and write EF 5GS3GPPLOCI with no 5G-GUTI, the TAI deleted and
   * update status 5U3 in one transaction per medium; the USIM is then invalid for 5GS services
   * until {@link powerOn} or {@link usimRemoved}. After `switch-off` the state is 'off' (RAM is gone).
   */
  deregister(kind: DeregistrationKind, context: NativeContext | null = this.ram): void {
    this.needUsim('deregister');
    if (this.st === 'off') throw new ContextStateError('deregister: not powered on');
    if (kind === 'reject') {
      this.removeAll();
      this.ram = null;
      this.invalid5gs = true;
    } else {
      this.writeNsc(storable(context) ? context : null, 'valid');
      this.ram = context && copyContext(context);
    }
    this.st = kind === 'switch-off' ? 'off' : 'deregistered';
    if (kind === 'switch-off') this.ram = null;
  }

  /**
   * Mark the stored native context invalid without deleting KAUSF/KSEAF: after SRVCC to UTRAN CS
   * the UE must run a successful (re)authentication in 5GS before using 5G again (TS 33.501 J.1),
   * so a power cycle must not bring the pre-SRVCC context back.
   */
  invalidateContext(): void {
    this.needUsim('invalidateContext');
    this.writeNsc(null, 'invalid');
  }

  /** Store KAUSF/KSEAF once the SMC that follows authentication is accepted (6.2.2.2; TS 24.501 5.4.2.1). */
  storeAuthKeys(keys: AuthKeys): void {
    const usim = this.needUsim('storeAuthKeys');
    if (usim.hasEf(FID_5GAUTHKEYS)) {
      usim.updateBinary(FID_5GAUTHKEYS, encodeAuthKeys(keys, usim.fileSize(FID_5GAUTHKEYS)));
      this.log('usim', 'authKeys', 'write-valid');
      if (this.me.readAuthKeys() !== null) { this.me.update([{ item: 'authKeys', keys: null }]); this.log('me', 'authKeys', 'delete'); }
    } else { this.me.update([{ item: 'authKeys', keys }]); this.log('me', 'authKeys', 'write-valid'); }
  }
  /** Stored KAUSF/KSEAF (decoded), or null when nothing is stored. */
  loadAuthKeys(): Decoded<AuthKeys> | null {
    const usim = this.needUsim('loadAuthKeys');
    return usim.hasEf(FID_5GAUTHKEYS) ? usim.readAuthKeys() : this.me.readAuthKeys();
  }
  /** Delete KAUSF/KSEAF (EF 5GAUTHKEYS to 'FF', or the ME item). */
  deleteAuthKeys(): void {
    const usim = this.needUsim('deleteAuthKeys');
    // every write step is reported, in order, like the other writers of this module
    if (usim.hasEf(FID_5GAUTHKEYS)) { usim.updateBinary(FID_5GAUTHKEYS, encodeNoAuthKeys(usim.fileSize(FID_5GAUTHKEYS))); this.log('usim', 'authKeys', 'delete'); }
    if (this.me.readAuthKeys() !== null) { this.me.update([{ item: 'authKeys', keys: null }]); this.log('me', 'authKeys', 'delete'); }
  }

  /** Store the 5G-GUTI, last visited TAI and update status of this access (TS 24.501 C.1). */
  storeLoci(loci: Loci): void {
    const usim = this.needUsim('storeLoci');
    const fid = LOCI_FID[this.access];
    if (usim.hasEf(fid)) {
      usim.updateBinary(fid, encodeLoci(loci));
      this.log('usim', 'loci', 'write-valid');
      if (this.me.readLoci(this.access) !== null) { this.me.update([{ item: 'loci', access: this.access, loci: null }]); this.log('me', 'loci', 'delete'); }
    } else { this.me.update([{ item: 'loci', access: this.access, loci }]); this.log('me', 'loci', 'write-valid'); }
  }
  /** Stored LOCI of this access (decoded), or null. */
  loadLoci(): Decoded<Loci> | null {
    const usim = this.needUsim('loadLoci');
    return usim.hasEf(LOCI_FID[this.access]) ? usim.readLoci(this.access) : this.me.readLoci(this.access);
  }

  // -------------------------------------------------------------------------------------------

  private readStoredNsc(): Decoded<StoredNsc> | null {
    return this.nscLocation === 'usim' ? this.card!.readNsc(this.access, this.nscRecord) : this.me.readNsc(this.access);
  }

  /**
   * Write the context marked valid or invalid, or (null) the no-context marker, where this access
   * keeps it. With the EF on the USIM, the ME NVM copy is deleted only AFTER the USIM write
   * (6.8.1.1.1: "no copy kept in NV when the USIM holds it"); a power loss between the two steps
   * leaves both, and power-on reads the USIM first.
   */
  private writeNsc(ctx: NativeContext | null, marked: 'valid' | 'invalid'): void {
    const usim = this.card!;
    const action = ctx === null ? 'mark-invalid' : marked === 'valid' ? 'write-valid' : 'write-invalid';
    if (this.nscLocation === 'usim') {
      const fid = NSC_FID[this.access];
      const len = usim.recordLength(fid);
      usim.updateRecord(fid, this.nscRecord, ctx === null ? encodeNoNscRecord(len) : encodeNscRecord(ctx, len, marked));
      this.log('usim', 'nsc', action);
      if (this.me.hasNsc(this.access)) { this.me.update([{ item: 'delete-nsc', access: this.access }]); this.log('me', 'nsc', 'delete'); }
    } else {
      this.me.update([{ item: 'nsc', access: this.access, context: ctx, marked }]);
      this.log('me', 'nsc', action);
    }
  }

  private log(medium: Location, item: StoreWrite['item'], action: StoreWrite['action']): void {
    const w = { medium, item, action };
    this.writes.push(w);
    this.onWrite?.(w);
  }

  /**
   * REGISTRATION REJECT #3/#6/#7: context invalid, KAUSF/KSEAF deleted and LOCI set to "no 5G-GUTI,
   * TAI deleted, 5U3 ROAMING NOT ALLOWED" (TS 24.501 5.5.1.3.5; TS 31.102 4.4.11.2 byte 20 = 02),
   * atomically per store, so a power loss never leaves the 5G-GUTI without the deleted ngKSI.
   */
  private removeAll(): void {
    const usim = this.card!;
    const fid = NSC_FID[this.access];
    const lociFid = LOCI_FID[this.access];
    const onUsim = this.nscLocation === 'usim';
    const akOnUsim = usim.hasEf(FID_5GAUTHKEYS);
    const lociOnUsim = usim.hasEf(lociFid);
    const prev = this.loadLoci();
    const loci = rejectedLoci(prev?.valid ? prev : null);
    const writes = [];
    if (onUsim) writes.push({ fid, record: this.nscRecord, data: encodeNoNscRecord(usim.recordLength(fid)) });
    if (akOnUsim) writes.push({ fid: FID_5GAUTHKEYS, data: encodeNoAuthKeys(usim.fileSize(FID_5GAUTHKEYS)) });
    if (lociOnUsim) writes.push({ fid: lociFid, data: encodeLoci(loci) });
    if (writes.length) {
      usim.update(writes);
      if (onUsim) this.log('usim', 'nsc', 'mark-invalid');
      if (akOnUsim) this.log('usim', 'authKeys', 'delete');
      if (lociOnUsim) this.log('usim', 'loci', 'write-valid');
    }
    const meChanges: MeChange[] = [];
    if (!onUsim || this.me.hasNsc(this.access)) meChanges.push(onUsim ? { item: 'delete-nsc', access: this.access } : { item: 'nsc', access: this.access, context: null });
    if (this.me.readAuthKeys() !== null) meChanges.push({ item: 'authKeys', keys: null });
    // LOCI: the ME copy is the only one without the EF, and is deleted when the USIM holds it (TS 24.501 C.1)
    if (!lociOnUsim) meChanges.push({ item: 'loci', access: this.access, loci });
    else if (this.me.readLoci(this.access) !== null) meChanges.push({ item: 'loci', access: this.access, loci: null });
    if (meChanges.length) {
      this.me.update(meChanges);
      for (const c of meChanges) {
        if (c.item === 'loci') this.log('me', 'loci', c.loci === null ? 'delete' : 'write-valid');
        else this.log('me', c.item === 'authKeys' ? 'authKeys' : 'nsc', c.item === 'nsc' ? 'mark-invalid' : 'delete');
      }
    }
  }

  private needUsim(op: string): UsimStorage {
    if (this.card === null) throw new ContextStateError(`${op}: no USIM (power on with a USIM first)`);
    return this.card;
  }
  private needState(op: string, s: ContextState): void {
    this.needUsim(op);
    if (this.st !== s) throw new ContextStateError(`${op} needs state ${s}, state is ${this.st}`);
  }
}
