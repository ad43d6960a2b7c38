/**
 * The UE's NAS security in the ME firmware, typed: context slots, UE configuration, NAS message
 * protection with COUNTs, SECURITY MODE COMMAND handling and the registration outcome
 * (TS 24.501 4.4 and 5.4.2, TS 33.501 6.4, 6.7.2, 6.9.3). Every method copies its inputs into the
 * mailbox, calls one export and copies the result out; secrets are cleared from the mailboxes
 * after each call that carried one.
 */
import { Firmware, instantiateSync, type UeModule } from './loader.js';
import { variantFile, variantOf, type VariantOptions } from './variant.js';
import { KeyDerivation } from './keys.js';
import { CTX_TYPE, SLOT, SLOT_OFF, SMC_FLAG, SMC_OUT, UE, UE_FLAG, UE_STATE_OFF } from './abi.generated.js';
import { bytes, int, oneOf } from '../validate.js';
import { ACCESSES, NO_COUNT, type Access } from '../types.js';

export type { Access };
export type Slot = 'current' | 'new' | 'non-current' | 'mapped';
export const SLOTS: readonly Slot[] = ['current', 'new', 'non-current', 'mapped'];
export type ContextType = 'none' | 'partial-native' | 'full-native' | 'mapped';
const SLOT_NO: Record<Slot, number> = { current: SLOT.CURRENT, new: SLOT.NEW, 'non-current': SLOT.NON_CURRENT, mapped: SLOT.MAPPED };
const TYPE_NO: Record<ContextType, number> = { none: CTX_TYPE.NONE, 'partial-native': CTX_TYPE.PARTIAL_NATIVE, 'full-native': CTX_TYPE.FULL_NATIVE, mapped: CTX_TYPE.MAPPED };
const TYPE_OF = new Map(Object.entries(TYPE_NO).map(([t, n]) => [n, t as ContextType]));
/** The firmware's access argument: the NAS connection identifier, 1 for 3GPP, 2 for non-3GPP (TS 33.501 6.4.2.2). */
export const accessNo = (a: Access) => (oneOf('access', a, ACCESSES) === '3gpp' ? 1 : 2);
const slotNo = (s: Slot) => SLOT_NO[oneOf('slot', s, SLOTS)];
/** A COUNT field of a firmware output: NO_COUNT means there is none. */
const countOrNull = (c: number) => (c === NO_COUNT ? null : c);
/** protect/unprotect/registration_request output (assembly/abi/context.ts): [0] u32 message
 *  length, [4] u32 COUNT, the message at NAS_OUT_MSG_OFF. The module exports only the last. */
const NAS_OUT = { LEN: 0, COUNT: 4, MSG: UE.NAS_OUT_MSG_OFF } as const;
/** Length of the slot header: every field before the KAMF (no key). */
const HEADER_LEN = SLOT_OFF.KAMF;

/** The key-free part of a slot: what the UE may use without taking a key out of the module. */
export interface NasContextHeader {
  type: ContextType;
  ngKsi: number;            // 4 bits: TSC (bit 3) ‖ KSI
  nea: number; nia: number; // selected NAS algorithms
  epsAlgs: number;          // selected EPS NAS algorithms octet (0 if none)
  ncc: number;
  ulCount: { '3gpp': number; non3gpp: number };   // next UL NAS COUNT to use
  dlCount: { '3gpp': number; non3gpp: number };   // last accepted DL NAS COUNT
  dlAccepted: { '3gpp': boolean; non3gpp: boolean };
}

/** A decoded context slot (TS 33.501 6.2.3.2; layout in assembly/context/slots.ts). */
export interface NasContext extends NasContextHeader {
  kamf: Uint8Array; knasenc: Uint8Array; knasint: Uint8Array; kgnb: Uint8Array; nh: Uint8Array;
}

export interface SmcResult {
  result: 'complete' | 'reject';
  cause: number;            // 5GMM cause of a reject (23, 24), 0 otherwise
  hdp: boolean; rinmr: boolean; imeisvRequested: boolean; newKamf: boolean; epsAlgs: boolean; oldKept: boolean;
  ngKsi: number;
  dlCount: number | null;   // DL NAS COUNT the SMC verified with
  ulCount: number | null;   // UL NAS COUNT of the response (null: sent unprotected)
  response: Uint8Array;     // the SECURITY MODE COMPLETE / REJECT as sent
}

export interface ProtectedOut { message: Uint8Array; count: number }

export class UeFirmware {
  readonly keys: KeyDerivation;
  readonly slotSize: number;
  readonly stateLen: number;

  /** The ME firmware module (build/ue-fast.wasm or build/ue.wasm) with its mailbox, shared by every
   *  wrapper of this UE. */
  readonly module: UeModule;

  /** `module`: an instance to wrap, or `{ variant }` to instantiate one (default: the process-wide
   *  default variant, fast unless UE_KEYS_VARIANT says small). */
  constructor(module?: UeModule | VariantOptions) {
    this.module = module instanceof Firmware ? module : instantiateSync(variantFile('ue', variantOf(module)));
    this.keys = new KeyDerivation(this.module);
    this.slotSize = UE.CTX_SLOT_SIZE;
    this.stateLen = UE.UE_STATE_LEN;
  }

  /** UE security capabilities as sent in the Registration Request, IMEISV (5GS mobile identity
   *  value), emergency (128-NIA0 acceptable). */
  configure(a: { ueSecurityCapabilities: Uint8Array; imeisv?: Uint8Array; emergency?: boolean }): void {
    const fw = this.module.begin();
    const caps = bytes('ueSecurityCapabilities', a.ueSecurityCapabilities, [2, 8]);
    const imeisv = a.imeisv ? bytes('imeisv', a.imeisv, [0, 15]) : new Uint8Array(0);
    const c = fw.put(caps), i = fw.put(imeisv);
    fw.exports.ue_configure(c, caps.length, i, imeisv.length, a.emergency ? 1 : 0);
  }

  /** Install a context from a KAMF (power-on from USIM, primary authentication, mapping). */
  install(slot: Slot, a: { kamf: Uint8Array; ngKsi: number; type: Exclude<ContextType, 'none'>; nea?: number; nia?: number }): void {
    const fw = this.module.begin();
    // Every check inside clearAfter: a bad field after the KAMF is in the mailbox still wipes it.
    this.clearAfter(() => {
      const k = fw.put(bytes('kamf', a.kamf, 32));
      const type = TYPE_NO[oneOf('type', a.type, ['partial-native', 'full-native', 'mapped'] as const)];
      const algs = type === CTX_TYPE.PARTIAL_NATIVE ? 0 : (int('nea', a.nea ?? 0, 0, 15) << 4) | int('nia', a.nia ?? 0, 0, 15);
      fw.exports.ctx_install(slotNo(slot), k, int('ngKsi', a.ngKsi, 0, 15), algs, type);
    });
  }

  /** Restore COUNTs of one access. */
  setCounts(slot: Slot, access: Access, ul: number, dl: number, dlAccepted: boolean): void {
    this.module.exports.ctx_set_counts(slotNo(slot), accessNo(access), int('ul', ul, 0, 0x1000000), int('dl', dl, 0, 0xffffff), dlAccepted ? 1 : 0);
  }

  /** Read and decode a slot (keys included). */
  read(slot: Slot): NasContext {
    const b = this.rawSlot(slot);
    const key = (off: number, len: number) => b.slice(off, off + len);
    return {
      ...decodeHeader(b),
      kamf: key(SLOT_OFF.KAMF, 32), knasenc: key(SLOT_OFF.KNASENC, 16), knasint: key(SLOT_OFF.KNASINT, 16), kgnb: key(SLOT_OFF.KGNB, 32), nh: key(SLOT_OFF.NH, 32),
    };
  }

  /** The key-free header of a slot (type, ngKSI, algorithms, COUNTs): only those octets are
   *  copied out of the module, the slot's keys are wiped from the mailbox unread. */
  header(slot: Slot): NasContextHeader {
    return this.clearAfter(() => { this.module.exports.ctx_read(slotNo(slot)); return decodeHeader(this.module.take(0, HEADER_LEN)); });
  }

  /** Raw bytes of a slot (for tests that compare slots before and after a step). */
  rawSlot(slot: Slot): Uint8Array { return this.clearAfter(() => { this.module.exports.ctx_read(slotNo(slot)); return this.module.take(0, this.slotSize); }); }

  /** Raw UE_STATE (flags, recorded Registration Request COUNT, …). */
  rawState(): Uint8Array { this.module.exports.ue_state_read(); return this.module.take(0, this.stateLen); }

  /** After SRVCC to UTRAN CS: no 5G context may be used until a new 5G AKA (TS 33.501 J.1). */
  reauthRequired(): boolean { return (this.rawState()[UE_STATE_OFF.FLAGS_OFF] & UE_FLAG.REAUTH_REQUIRED) !== 0; }
  /** A REGISTRATION REQUEST was sent and its outcome (registrationComplete) is still due. */
  registering(): boolean { return (this.rawState()[UE_STATE_OFF.FLAGS_OFF] & UE_FLAG.REGISTERING) !== 0; }

  wipe(slot: Slot): void { this.module.exports.ctx_wipe(slotNo(slot)); }

  /** Protect an uplink 5GMM message (TS 24.501 4.4.4/4.4.5): header type 1, 2 or 4. */
  protect(slot: Slot, access: Access, sht: 1 | 2 | 4, plain: Uint8Array): ProtectedOut {
    const fw = this.module.begin();
    const m = fw.put(bytes('message', plain, [3, 4000]));
    return this.clearAfter(() => { fw.exports.nas_protect(slotNo(slot), accessNo(access), int('sht', sht, 1, 4), m, plain.length); return this.msgOut(); });
  }

  /** Verify and decipher a downlink protected 5GMM message; `count` is the estimated DL COUNT. */
  unprotect(slot: Slot, access: Access, message: Uint8Array): ProtectedOut {
    const fw = this.module.begin();
    const m = fw.put(bytes('message', message, [10, 4000]));
    return this.clearAfter(() => { fw.exports.nas_unprotect(slotNo(slot), accessNo(access), m, message.length); return this.msgOut(); });
  }

  /** Send a Registration Request (plain 5GMM message): protected with the current context if
   *  there is one, its UL NAS COUNT recorded. `count` is null when it went out unprotected. */
  registrationRequest(plain: Uint8Array, access: Access = '3gpp'): { message: Uint8Array; count: number | null } {
    const fw = this.module.begin();
    const m = fw.put(bytes('registrationRequest', plain, [3, 1024]));
    return this.clearAfter(() => {
      fw.exports.registration_request(m, plain.length, accessNo(access));
      const r = this.msgOut();
      return { message: r.message, count: countOrNull(r.count) };
    });
  }

  /** Process a SECURITY MODE COMMAND. Throws MacFailureError/ReplayError (discarded, nothing
   *  changed), FormatError; otherwise the COMPLETE or REJECT the UE sends. */
  securityModeCommand(message: Uint8Array, access: Access = '3gpp'): SmcResult {
    const fw = this.module.begin();
    const m = fw.put(bytes('securityModeCommand', message, [13, 1024]));
    return this.clearAfter(() => { fw.exports.smc_process(m, message.length, accessNo(access)); return this.smcOut(); });
  }

  /** SECURITY MODE REJECT (#23 or #24, TS 24.501 5.4.2.5) for an SMC that failed its integrity
   *  check: protected with the previous 5G NAS security context if the UE may use one, else
   *  unprotected (TS 33.501 6.7.2). Throws CountWrapError when the UL COUNT is spent. */
  securityModeReject(cause: 23 | 24, access: Access = '3gpp'): SmcResult {
    return this.clearAfter(() => { this.module.exports.smc_reject(int('cause', cause, 23, 24), accessNo(access)); return this.smcOut(); });
  }

  private smcOut(): SmcResult {
    const h = this.module.take(0, SMC_OUT.RESP), v = new DataView(h.buffer);
    const f = h[SMC_OUT.FLAGS], bit = (b: number) => (f & b) !== 0;
    return {
      result: h[SMC_OUT.RESULT] === 0 ? 'complete' : 'reject', cause: h[SMC_OUT.CAUSE],
      hdp: bit(SMC_FLAG.HDP), rinmr: bit(SMC_FLAG.RINMR), imeisvRequested: bit(SMC_FLAG.IMEISV_REQUESTED), newKamf: bit(SMC_FLAG.NEW_KAMF),
      epsAlgs: bit(SMC_FLAG.EPS_ALGS), oldKept: bit(SMC_FLAG.OLD_KEPT),
      ngKsi: h[SMC_OUT.NGKSI], dlCount: countOrNull(v.getUint32(SMC_OUT.DL_COUNT, true)), ulCount: countOrNull(v.getUint32(SMC_OUT.UL_COUNT, true)),
      response: this.module.take(SMC_OUT.RESP, v.getUint32(SMC_OUT.RESP_LEN, true)),
    };
  }

  /** Registration outcome: accepted with a new 5G-GUTI → commit; otherwise roll back. */
  registrationComplete(accepted: boolean): void { this.module.exports.registration_complete(accepted ? 1 : 0); }

  /** A copy of all 64 KiB of module memory (tests scan it for leftover key bytes). */
  memory(): Uint8Array { return this.module.snapshot(); }

  private msgOut(): ProtectedOut {
    const v = new DataView(this.module.take(0, NAS_OUT.MSG).buffer);
    return { message: this.module.take(NAS_OUT.MSG, v.getUint32(NAS_OUT.LEN, true)), count: v.getUint32(NAS_OUT.COUNT, true) };
  }

  /** Run `f`, then wipe both mailboxes even if it threw (inputs/outputs may hold keys). The host
   *  zeroes them itself — what the io_clear export does, without one more call into the module. */
  private clearAfter<T>(f: () => T): T {
    try { return f(); } finally { this.module.clearMailboxes(); }
  }
}

/** The key-free fields of a slot as ctx_read returns them (COUNTs little-endian u32, 3GPP then
 *  non-3GPP; dlAccepted bit 0 = 3GPP, bit 1 = non-3GPP of the flags octet). */
function decodeHeader(b: Uint8Array): NasContextHeader {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const u32 = (o: number) => v.getUint32(o, true);
  const algs = b[SLOT_OFF.ALGS], flags = b[SLOT_OFF.FLAGS];
  return {
    type: TYPE_OF.get(b[SLOT_OFF.TYPE]) ?? 'none', ngKsi: b[SLOT_OFF.NGKSI], nea: algs >> 4, nia: algs & 15, epsAlgs: b[SLOT_OFF.EPS_ALGS], ncc: b[SLOT_OFF.NCC],
    ulCount: { '3gpp': u32(SLOT_OFF.UL_COUNT), non3gpp: u32(SLOT_OFF.UL_COUNT + 4) }, dlCount: { '3gpp': u32(SLOT_OFF.DL_COUNT), non3gpp: u32(SLOT_OFF.DL_COUNT + 4) },
    dlAccepted: { '3gpp': (flags & 1) !== 0, non3gpp: (flags & 2) !== 0 },
  };
}
