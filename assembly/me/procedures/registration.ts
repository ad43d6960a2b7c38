// The UE side of a registration (TS 24.501 5.5.1, TS 33.501 6.9.3 with seed 000's change): sending the
// Registration Request with the current context while recording its UL NAS COUNT, and the
// outcome that commits or rolls back a new KAMF taken into use by the SMC.
import { IO_OUT_PTR, INITIAL_MSG_PTR, INITIAL_MSG_LEN, UE_STATE_PTR } from "../memory";
import { STATUS_OK, STATUS_ERR_STATE, STATUS_ERR_LENGTH } from "../../lib/status";
import { SLOT_CURRENT, slotPtr, ctxUsable, ctxKeptOutcome } from "../context/slots";
import { ulCount } from "../nas/count";
import { protect, SHT_INTEGRITY } from "../nas/protect";
import { FLAG_REGISTERING, FLAG_REG_COUNT, FLAG_OLD_KEPT, FLAG_REAUTH_REQUIRED, REG_COUNT_OFF, REG_ACCESS_OFF, INITIAL_LEN_OFF, setUeFlag, ueFlag } from "../context/ue-state";
import { copy, wipe } from "../../lib/util";
import { FAST } from "../../crypto/variant";

/** Outcome record at IO_OUT[0..16): [0] u32 message length, [4] u32 UL NAS COUNT used
 *  (0xFFFFFFFF: sent without protection), message at IO_OUT + 16. */
export const REG_OUT_LEN: usize = 0;
export const REG_OUT_COUNT: usize = 4;
export const REG_OUT_MSG: usize = 16;

/** Clear the kept initial message. Only this file writes INITIAL_MSG and INITIAL_LEN, always
 *  together (a message of INITIAL_LEN octets, the rest zero), so the fast build clears the
 *  INITIAL_LEN octets of the last message and not the whole 1 KiB; the small build keeps the
 *  whole-region wipe (fewer code bytes). */
function wipeInitialMsg(): void {
  wipe(INITIAL_MSG_PTR, FAST ? <usize>load<u32>(UE_STATE_PTR + INITIAL_LEN_OFF) : <usize>INITIAL_MSG_LEN);
}

/**
 * Send an initial Registration Request (`len` octets of plain 5GMM message at `plain`). With a
 * current context it goes out integrity protected (security header type 1) and its UL NAS COUNT
 * is recorded: that COUNT, not the one after it, is the A.13 input if the target AMF asks for a
 * horizontal KAMF derivation. Without a context it goes out plain (ngKSI "no key available" is
 * the host's business) and no COUNT is recorded. The plain message is kept for RINMR.
 */
export function registrationRequest(plain: usize, len: u32, access: u32): i32 {
  if (len > INITIAL_MSG_LEN) return STATUS_ERR_LENGTH;
  const cur = slotPtr(SLOT_CURRENT);
  // After SRVCC to UTRAN CS the 5G context may not be used until a new authentication (J.1):
  // the request goes out as if there were no context, so the network authenticates.
  if (ctxUsable(cur) && !ueFlag(FLAG_REAUTH_REQUIRED)) {
    const count = ulCount(cur, access);
    const s = protect(cur, access, SHT_INTEGRITY, plain, len, IO_OUT_PTR + REG_OUT_MSG);
    if (s != STATUS_OK) return s;
    store<u32>(UE_STATE_PTR + REG_COUNT_OFF, count);
    store<u32>(IO_OUT_PTR + REG_OUT_COUNT, count);
    store<u32>(IO_OUT_PTR + REG_OUT_LEN, len + 7);
    setUeFlag(FLAG_REG_COUNT, true);
  } else {
    copy(IO_OUT_PTR + REG_OUT_MSG, plain, len);
    store<u32>(IO_OUT_PTR + REG_OUT_COUNT, 0xffffffff);
    store<u32>(IO_OUT_PTR + REG_OUT_LEN, len);
    store<u32>(UE_STATE_PTR + REG_COUNT_OFF, 0);
    setUeFlag(FLAG_REG_COUNT, false);
  }
  store<u32>(UE_STATE_PTR + REG_ACCESS_OFF, access);
  wipeInitialMsg();
  copy(INITIAL_MSG_PTR, plain, len);
  store<u32>(UE_STATE_PTR + INITIAL_LEN_OFF, len);
  setUeFlag(FLAG_REGISTERING, true);
  return STATUS_OK;
}

/**
 * The registration ended. `accepted` = 1 (REGISTRATION ACCEPT with a new 5G-GUTI): commit — the
 * kept old context is wiped and the new one stays current (the host then writes the new KAMF and
 * ngKSI to the USIM/ME). `accepted` = 0 (reject, timeout, no new 5G-GUTI): roll back — the new
 * context is wiped and the old one is current and usable again, e.g. to register back to the
 * source AMF. Without a kept context nothing moves.
 */
export function registrationOutcome(accepted: bool): i32 {
  if (!ueFlag(FLAG_REGISTERING)) return STATUS_ERR_STATE;
  if (ueFlag(FLAG_OLD_KEPT)) {
    ctxKeptOutcome(accepted);
  }
  setUeFlag(FLAG_REGISTERING | FLAG_REG_COUNT | FLAG_OLD_KEPT, false);
  store<u32>(UE_STATE_PTR + REG_COUNT_OFF, 0);
  wipeInitialMsg();
  store<u32>(UE_STATE_PTR + INITIAL_LEN_OFF, 0);
  return STATUS_OK;
}
