/**
 * The UE's NAS security in the ME firmware, typed: context slots, UE configuration, NAS message
 * protection with COUNTs, SECURITY MODE COMMAND handling and the registration outcome
 * (TS 24.501 4.4 and 5.4.2, TS 33.501 6.4, 6.7.2, 6.9.3). Every method copies its inputs into the
 * mailbox, calls one export and copies the result out; secrets are cleared from the mailboxes
 * after each call that carried one.
 */
import { instantiateSync, type Firmware } from './loader.js';
import { KeyDerivation } from './keys.js';
import { bytes, int, oneOf } from '../validate.js';

export type Slot = 'current' | 'new' | 'non-current' | 'mapped';
export const SLOTS: readonly Slot[] = ['current', 'new', 'non-current', 'mapped'];
export type Access = '3gpp' | 'non3gpp';
export type ContextType = 'none' | 'partial-native' | 'full-native' | 'mapped';
const TYPES: readonly ContextType[] = ['none', 'partial-native', 'full-native', 'mapped'];
const accessNo = (a: Access) => (oneOf('access', a, ['3gpp', 'non3gpp'] as const) === '3gpp' ? 1 : 2);
const slotNo = (s: Slot) => { const i = SLOTS.indexOf(oneOf('slot', s, SLOTS)); return i; };

/** A decoded context slot (TS 33.501 6.2.3.2; layout in assembly/context/slots.ts). */
export interface NasContext {
  type: ContextType;
  ngKsi: number;            // 4 bits: TSC (bit 3) ‖ KSI
  nea: number; nia: number; // selected NAS algorithms
  epsAlgs: number;          // selected EPS NAS algorithms octet (0 if none)
  ncc: number;
  ulCount: { '3gpp': number; non3gpp: number };   // next UL NAS COUNT to use
  dlCount: { '3gpp': number; non3gpp: number };   // last accepted DL NAS COUNT
  dlAccepted: { '3gpp': boolean; non3gpp: boolean };
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

  constructor(readonly fw: Firmware = instantiateSync('ue')) {
    this.keys = new KeyDerivation(fw);
    this.slotSize = fw.constant('CTX_SLOT_SIZE');
    this.stateLen = fw.constant('UE_STATE_LEN');
  }

  /** UE security capabilities as sent in the Registration Request, IMEISV (5GS mobile identity
   *  value), emergency (128-NIA0 acceptable). */
  configure(a: { ueSecurityCapabilities: Uint8Array; imeisv?: Uint8Array; emergency?: boolean }): void {
    const fw = this.fw.begin();
    const caps = bytes('ueSecurityCapabilities', a.ueSecurityCapabilities, [2, 8]);
    const imeisv = a.imeisv ? bytes('imeisv', a.imeisv, [0, 15]) : new Uint8Array(0);
    const c = fw.put(caps), i = fw.put(imeisv);
    fw.call('ue_configure', c, caps.length, i, imeisv.length, a.emergency ? 1 : 0);
  }

  /** Install a context from a KAMF (power-on from USIM, primary authentication, mapping). */
  install(slot: Slot, a: { kamf: Uint8Array; ngKsi: number; type: Exclude<ContextType, 'none'>; nea?: number; nia?: number }): void {
    const fw = this.fw.begin();
    // Every check inside clearAfter: a bad field after the KAMF is in the mailbox still wipes it.
    this.clearAfter(() => {
      const k = fw.put(bytes('kamf', a.kamf, 32));
      const type = TYPES.indexOf(oneOf('type', a.type, ['partial-native', 'full-native', 'mapped'] as const));
      const algs = type === 1 ? 0 : (int('nea', a.nea ?? 0, 0, 15) << 4) | int('nia', a.nia ?? 0, 0, 15);
      fw.call('ctx_install', slotNo(slot), k, int('ngKsi', a.ngKsi, 0, 15), algs, type);
    });
  }

  /** Restore COUNTs of one access. */
  setCounts(slot: Slot, access: Access, ul: number, dl: number, dlAccepted: boolean): void {
    this.fw.call('ctx_set_counts', slotNo(slot), accessNo(access), int('ul', ul, 0, 0x1000000), int('dl', dl, 0, 0xffffff), dlAccepted ? 1 : 0);
  }

  /** Read and decode a slot (keys included). */
  read(slot: Slot): NasContext {
    const b = this.rawSlot(slot);
    const v = new DataView(b.buffer);
    const u32 = (o: number) => v.getUint32(o, true);
    return {
      type: TYPES[b[0]] ?? 'none', ngKsi: b[1], nea: b[2] >> 4, nia: b[2] & 15, epsAlgs: b[3], ncc: b[5],
      ulCount: { '3gpp': u32(8), non3gpp: u32(12) }, dlCount: { '3gpp': u32(16), non3gpp: u32(20) },
      dlAccepted: { '3gpp': (b[4] & 1) !== 0, non3gpp: (b[4] & 2) !== 0 },
      kamf: b.slice(32, 64), knasenc: b.slice(64, 80), knasint: b.slice(80, 96), kgnb: b.slice(96, 128), nh: b.slice(128, 160),
    };
  }

  /** Raw bytes of a slot (for tests that compare slots before and after a step). */
  rawSlot(slot: Slot): Uint8Array { return this.clearAfter(() => { this.fw.call('ctx_read', slotNo(slot)); return this.fw.take(0, this.slotSize); }); }

  /** Raw UE_STATE (flags, recorded Registration Request COUNT, …). */
  rawState(): Uint8Array { this.fw.call('ue_state_read'); return this.fw.take(0, this.stateLen); }

  /** After SRVCC to UTRAN CS: no 5G context may be used until a new 5G AKA (TS 33.501 J.1) —
   *  UE_STATE flags octet 32, FLAG_REAUTH_REQUIRED 0x10 (assembly/context/ue-state.ts). */
  reauthRequired(): boolean { return (this.rawState()[32] & 0x10) !== 0; }

  wipe(slot: Slot): void { this.fw.call('ctx_wipe', slotNo(slot)); }

  /** Protect an uplink 5GMM message (TS 24.501 4.4.4/4.4.5): header type 1, 2 or 4. */
  protect(slot: Slot, access: Access, sht: 1 | 2 | 4, plain: Uint8Array): ProtectedOut {
    const fw = this.fw.begin();
    const m = fw.put(bytes('message', plain, [3, 4000]));
    return this.clearAfter(() => { fw.call('nas_protect', slotNo(slot), accessNo(access), int('sht', sht, 1, 4), m, plain.length); return this.msgOut(); });
  }

  /** Verify and decipher a downlink protected 5GMM message; `count` is the estimated DL COUNT. */
  unprotect(slot: Slot, access: Access, message: Uint8Array): ProtectedOut {
    const fw = this.fw.begin();
    const m = fw.put(bytes('message', message, [10, 4000]));
    return this.clearAfter(() => { fw.call('nas_unprotect', slotNo(slot), accessNo(access), m, message.length); return this.msgOut(); });
  }

  /** Send a Registration Request (plain 5GMM message): protected with the current context if
   *  there is one, its UL NAS COUNT recorded. `count` is null when it went out unprotected. */
  registrationRequest(plain: Uint8Array, access: Access = '3gpp'): { message: Uint8Array; count: number | null } {
    const fw = this.fw.begin();
    const m = fw.put(bytes('registrationRequest', plain, [3, 1024]));
    return this.clearAfter(() => {
      fw.call('registration_request', m, plain.length, accessNo(access));
      const r = this.msgOut();
      return { message: r.message, count: r.count === 0xffffffff ? null : r.count };
    });
  }

  /** Process a SECURITY MODE COMMAND. Throws MacFailureError/ReplayError (discarded, nothing
   *  changed), FormatError; otherwise the COMPLETE or REJECT the UE sends. */
  securityModeCommand(message: Uint8Array, access: Access = '3gpp'): SmcResult {
    const fw = this.fw.begin();
    const m = fw.put(bytes('securityModeCommand', message, [13, 1024]));
    return this.clearAfter(() => { fw.call('smc_process', m, message.length, accessNo(access)); return this.smcOut(); });
  }

  /** SECURITY MODE REJECT (#23 or #24, TS 24.501 5.4.2.5) for an SMC that failed its integrity
   *  check: protected with the previous 5G NAS security context if the UE may use one, else
   *  unprotected (TS 33.501 6.7.2). Throws CountWrapError when the UL COUNT is spent. */
  securityModeReject(cause: 23 | 24, access: Access = '3gpp'): SmcResult {
    return this.clearAfter(() => { this.fw.call('smc_reject', int('cause', cause, 23, 24), accessNo(access)); return this.smcOut(); });
  }

  private smcOut(): SmcResult {
    const h = this.fw.take(0, 16), v = new DataView(h.buffer);
    const f = h[2];
    const dl = v.getUint32(8, true), ul = v.getUint32(12, true);
    return {
      result: h[0] === 0 ? 'complete' : 'reject', cause: h[1],
      hdp: (f & 1) !== 0, rinmr: (f & 2) !== 0, imeisvRequested: (f & 4) !== 0, newKamf: (f & 8) !== 0, epsAlgs: (f & 16) !== 0, oldKept: (f & 32) !== 0,
      ngKsi: h[3], dlCount: dl === 0xffffffff ? null : dl, ulCount: ul === 0xffffffff ? null : ul,
      response: this.fw.take(16, v.getUint32(4, true)),
    };
  }

  /** Registration outcome: accepted with a new 5G-GUTI → commit; otherwise roll back. */
  registrationComplete(accepted: boolean): void { this.fw.call('registration_complete', accepted ? 1 : 0); }

  /** A copy of all 64 KiB of module memory (tests scan it for leftover key bytes). */
  memory(): Uint8Array { return this.fw.snapshot(); }

  private msgOut(): ProtectedOut {
    const h = this.fw.take(0, 8), v = new DataView(h.buffer);
    return { message: this.fw.take(16, v.getUint32(0, true)), count: v.getUint32(4, true) };
  }

  /** Run `f`, then wipe both mailboxes even if it threw (inputs/outputs may hold keys). */
  private clearAfter<T>(f: () => T): T {
    try { return f(); } finally { this.fw.raw.io_clear(); }
  }
}
