// Argument checks shared by the export files. Offsets passed across the boundary are relative to
// IO_IN; a result always lands at IO_OUT + 0.
import { IO_IN_PTR, IO_IN_LEN, KDF_S_LEN } from "../memory";
import { fits } from "../../lib/util";

/** Does [off, off+len) lie inside the IO_IN mailbox? */
// @ts-ignore: decorator
@inline export function inMailbox(off: u32, len: u32): bool { return fits(off, len, IO_IN_LEN); }

/** Absolute address of an IO_IN offset (only after inMailbox said yes). */
// @ts-ignore: decorator
@inline export function inPtr(off: u32): usize { return IO_IN_PTR + <usize>off; }

/** Does an S of `paramBytes` octets of parameters in `paramCount` parameters fit KDF_S? */
export function kdfInputFits(paramBytes: u64, paramCount: u32): bool {
  return 1 + paramBytes + 2 * <u64>paramCount <= <u64>KDF_S_LEN;
}
