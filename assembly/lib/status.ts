// Status codes returned by every export of both modules. 0 is success; every other value means the
// call was rejected and changed no state (the export checks everything before it writes).
// The host maps each code to a typed error (host/errors.ts); the README and the generated C header
// list the same table.

export const STATUS_OK: i32 = 0;
/** An offset/length pair does not lie inside the region it must lie in (the I/O mailbox). */
export const STATUS_ERR_RANGE: i32 = 1;
/** A field has a length the clause does not allow (e.g. KAMF not 32 bytes, RAND not 16). */
export const STATUS_ERR_LENGTH: i32 = 2;
/** A field has a value outside its range (DIRECTION > 1, BEARER > 31, FC > 0xFF, ...). */
export const STATUS_ERR_VALUE: i32 = 3;
/** Unknown or unsupported algorithm identity. */
export const STATUS_ERR_ALGORITHM: i32 = 4;
/** Integrity check failed (NAS-MAC, MAC-A, ...). */
export const STATUS_ERR_MAC: i32 = 5;
/** A received COUNT was already accepted or is below the last accepted one. */
export const STATUS_ERR_REPLAY: i32 = 6;
/** Sending would wrap the NAS COUNT (TS 33.501 6.9.4.2: the network must re-key first). */
export const STATUS_ERR_COUNT_WRAP: i32 = 7;
/** The call is not valid in the current state (no context in the slot, procedure not started). */
export const STATUS_ERR_STATE: i32 = 8;
/** A message could not be parsed (truncated, wrong header, bad IE). */
export const STATUS_ERR_FORMAT: i32 = 9;
/** Synchronisation failure (USIM: SQN not fresh; AUTS produced). */
export const STATUS_ERR_SYNC: i32 = 10;
