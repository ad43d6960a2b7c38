// SRVCC from 5G to UTRAN CS on the UE (TS 33.501 Annex J; TS 33.501 A.21, TS 33.401
// A.12): the HO command gives 4 LSB of the DL NAS COUNT; the UE derives the CS keys from the
// current KAMF and keeps them in SRVCC_CTX; the outcome decides what stays.
import { IO_OUT_PTR, SRVCC_CTX_PTR } from "../memory";
import { STATUS_OK, STATUS_ERR_STATE } from "../../lib/status";
import { srvccDerive, srvccValid, srvccDelete } from "../context/srvcc";
import { acceptDl, ACCESS_3GPP } from "../nas/count";
import { FLAG_REAUTH_REQUIRED, setUeFlag } from "../context/ue-state";
import { copy } from "../../lib/util";

/** HO command for SRVCC with the DL NAS COUNT `count` the AMF used (estimated from its 4 LSB by
 *  the export, abi/mobility.ts srvcc_ho_command, which documents the result layout): KASME_SRVCC
 *  and CK ‖ IK into SRVCC_CTX, the AMF's DL COUNT accepted. */
export function srvccHoCommand(cur: usize, count: u32, variant: u32, fc: u32): void {
  srvccDerive(cur, count, variant, fc, IO_OUT_PTR + 48);
  acceptDl(cur, ACCESS_3GPP, count); // the AMF incremented its DL COUNT past this one
  store<u32>(IO_OUT_PTR, count);
  store<u32>(IO_OUT_PTR + 4, <u32>load<u8>(SRVCC_CTX_PTR + 1));
  copy(IO_OUT_PTR + 16, SRVCC_CTX_PTR + 16, 32);
}

/** SRVCC outcome: 0 failed → the mapped SRVCC context is deleted; 1 completed → a successful
 *  (re)authentication in 5GS is required before 5G is used again (J.1); 2 the CS call ended → the
 *  CS context is deleted (the re-authentication rule stays). */
export function srvccOutcome(outcome: u32): i32 {
  if (!srvccValid()) return STATUS_ERR_STATE;
  if (outcome == 1) setUeFlag(FLAG_REAUTH_REQUIRED, true);
  else srvccDelete();
  return STATUS_OK;
}
