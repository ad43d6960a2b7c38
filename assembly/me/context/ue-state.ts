// UE configuration and NAS procedure state in UE_STATE (one region, fixed offsets):
//   [ 0]  length of the UE security capabilities the UE sends (TS 24.501 9.11.3.54: 2–8 octets)
//   [ 1]  the UE security capabilities value (8)
//   [12]  length of the IMEISV as a 5GS mobile identity value (0 = none configured)
//   [13]  the IMEISV 5GS mobile identity value (up to 15)
//   [32]  flags (FLAG_*)
//   [36]  UL NAS COUNT of the last Registration Request (TS 33.501 6.9.3: the A.13 input)
//   [40]  access of the Registration Request (1 = 3GPP, 2 = non-3GPP)
//   [44]  length of the plain initial NAS message kept in INITIAL_MSG
//   [48]  ABBA length, [49] ABBA (up to 16) as last received in a SECURITY MODE COMMAND
import { UE_STATE_PTR } from "../memory";
import { SLOT_CURRENT, slotPtr, ctxUsable } from "./slots";

export const CAPS_LEN_OFF: usize = 0;
export const CAPS_OFF: usize = 1;
export const CAPS_MAX: u32 = 8;
export const CAPS_MIN: u32 = 2;
export const IMEISV_LEN_OFF: usize = 12;
export const IMEISV_OFF: usize = 13;
export const IMEISV_MAX: u32 = 15;
export const FLAGS_OFF: usize = 32;
export const REG_COUNT_OFF: usize = 36;
export const REG_ACCESS_OFF: usize = 40;
export const INITIAL_LEN_OFF: usize = 44;
export const ABBA_LEN_OFF: usize = 48;
export const ABBA_OFF: usize = 49;
export const ABBA_MAX: u32 = 15;

/** 128-NIA0 may be accepted (emergency services, TS 33.501 5.5.2 / 10.2). */
export const FLAG_EMERGENCY: u32 = 0x01;
/** A registration procedure is in progress (Registration Request sent, no outcome yet). */
export const FLAG_REGISTERING: u32 = 0x02;
/** REG_COUNT holds the UL NAS COUNT of a protected Registration Request. */
export const FLAG_REG_COUNT: u32 = 0x04;
/** NON_CURRENT holds the context that was current before an SMC of this registration took a new
 *  KAMF into use; it is kept until the registration completes (TS 33.501 6.9.3 with seed 000's change). */
export const FLAG_OLD_KEPT: u32 = 0x08;
/** 5GS re-authentication required before 5G may be used again (after SRVCC to UTRAN CS). */
export const FLAG_REAUTH_REQUIRED: u32 = 0x10;

export function ueFlags(): u32 { return <u32>load<u8>(UE_STATE_PTR + FLAGS_OFF); }
export function ueFlag(f: u32): bool { return (ueFlags() & f) != 0; }
export function setUeFlag(f: u32, on: bool): void {
  const v = ueFlags();
  store<u8>(UE_STATE_PTR + FLAGS_OFF, <u8>(on ? v | f : v & ~f));
}
export function regUlCount(): u32 { return load<u32>(UE_STATE_PTR + REG_COUNT_OFF); }

/** The current 5G context may be used: usable, and not after SRVCC to UTRAN CS until a new
 *  authentication (TS 33.501 J.1). */
// @ts-ignore: decorator
@inline export function currentUsable(): bool { return ctxUsable(slotPtr(SLOT_CURRENT)) && !ueFlag(FLAG_REAUTH_REQUIRED); }
