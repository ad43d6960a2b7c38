// The USIM module's static memory map: every byte the card firmware touches is declared here, once.
// One 64 KiB page (initial = maximum), no allocator, no stack in linear memory; constant tables
// (AES T-table, Keccak round constants) are the only other data and are never written.
//
// | region  | size | what                                                                        |
// |---------|------|-----------------------------------------------------------------------------|
// | IO_IN   | 512  | request mailbox: the host writes inputs here, exports take offsets into it  |
// | IO_OUT  | 256  | response mailbox: results at the offsets documented in usim/abi.ts          |
// | PERSIST | 384  | the card's non-volatile storage (NVM image, layout below); only usim_*     |
// |         |      | exports write it, and only after every check of the call has passed         |
// | WORK    | 656  | scratch of one call (AES round keys, Keccak state, AK, SQN, XMAC, RES ...), |
// |         |      | wiped before every export returns                                           |
//
// The FAST build (build/usim-fast.wasm, issue 12, crypto/variant.ts) has these regions at the same
// addresses and adds two constant tables computed at start (not exported): FT0..FT3 (4 KiB, AES
// T-tables) and FS0..FS3 (4 KiB, AES S-box per byte position), crypto/aes-fast.ts. Its Keccak
// (crypto/keccak-fast.ts) keeps the lanes in locals and needs no table.
//
// PERSIST layout (little-endian integers, as wasm stores them). A blank card is 384 zero bytes.
//
// | off | len | field                                                                          |
// |-----|-----|--------------------------------------------------------------------------------|
// | 0   | 1   | FORMAT: 0 = blank card, 1 = this layout                                        |
// | 1   | 1   | PERSONALISED: 0 / 1 (K and OPc/TOPc written; a second personalise is refused)  |
// | 2   | 1   | ALGO: 0 = MILENAGE (TS 35.206), 1 = TUAK (TS 35.231)                           |
// | 3   | 1   | K length in bytes: 16 (MILENAGE, TUAK) or 32 (TUAK)                            |
// | 4   | 1   | TUAK Keccak iterations, 1..255 (MILENAGE: 0)                                   |
// | 5   | 1   | MAC-A / MAC-S length in bytes: 8 (MILENAGE), TUAK 8 / 16 / 32                  |
// | 6   | 1   | RES length in bytes: 8 (MILENAGE), TUAK 4 / 8 / 16 / 32                        |
// | 7   | 1   | CK length in bytes: 16 (MILENAGE), TUAK 16 / 32                                |
// | 8   | 1   | IK length in bytes: 16 (MILENAGE), TUAK 16 / 32                                |
// | 9   | 1   | IND bit length (TS 33.102 C.1.1.1: SQN = SEQ ‖ IND), 0..5; a = 2^IND entries   |
// | 10  | 6   | reserved, zero                                                                 |
// | 16  | 8   | Δ (TS 33.102 C.2.1): accept only SEQ − SEQ_MS ≤ Δ; 1 ≤ Δ < 2^48               |
// | 24  | 8   | L (TS 33.102 C.2.2 age limit): accept only SEQ_MS − SEQ < L; 0 = not applied   |
// | 32  | 8   | SQN_MS: highest accepted SQN (48 bits); 0 = none accepted yet                  |
// | 40  | 32  | K (a 16-byte K fills the first 16 bytes, the rest is zero)                     |
// | 72  | 32  | OPc (first 16 bytes, rest zero) or TOPc (32 bytes)                             |
// | 104 | 256 | SEQ_MS(0) .. SEQ_MS(31), 8 bytes each (entries ≥ 2^IND stay zero)              |
// | 360 | 24  | reserved, zero                                                                 |

/** Request mailbox (host → firmware). */
export const IO_IN_PTR: usize = memory.data(512, 16);
export const IO_IN_LEN: u32 = 512;
/** Response mailbox (firmware → host). */
export const IO_OUT_PTR: usize = memory.data(256, 16);
export const IO_OUT_LEN: u32 = 256;

/** Card non-volatile storage (the NVM image the host saves and restores). */
export const PERSIST_PTR: usize = memory.data(384, 16);
export const PERSIST_LEN: u32 = 384;

// PERSIST field offsets (see the table above).
export const P_FORMAT: usize = 0;
export const P_PERSONALISED: usize = 1;
export const P_ALGO: usize = 2;
export const P_K_LEN: usize = 3;
export const P_ITERATIONS: usize = 4;
export const P_MAC_LEN: usize = 5;
export const P_RES_LEN: usize = 6;
export const P_CK_LEN: usize = 7;
export const P_IK_LEN: usize = 8;
export const P_IND_BITS: usize = 9;
export const P_RESERVED: usize = 10;
export const P_DELTA: usize = 16;
export const P_AGE_LIMIT: usize = 24;
export const P_SQN_MS: usize = 32;
export const P_K: usize = 40;
export const P_OPC: usize = 72;
export const P_SEQ_MS: usize = 104;
export const P_RESERVED_TAIL: usize = 360;
/** Array size a = 2^IND for the largest IND length (TS 33.102 C.2.2). */
export const SEQ_MS_ENTRIES: u32 = 32;
export const IND_BITS_MAX: u32 = 5;
/** FORMAT byte of a personalised image. */
export const PERSIST_FORMAT_1: u8 = 1;

/** Scratch of one call. Sub-areas below; the whole region is wiped before every export returns. */
export const WORK_PTR: usize = memory.data(656, 16);
export const WORK_LEN: u32 = 656;

/** AES-128 round keys of K (176 bytes, crypto/aes.ts). */
export const W_RK: usize = WORK_PTR;
/** Keccak-f[1600] state, 25 lanes of 8 bytes (TUAK). */
export const W_STATE: usize = WORK_PTR + 176;
/** Keccak theta column parities C[0..4] (5 lanes). */
export const W_BC: usize = WORK_PTR + 376;
/** SQN recovered from AUTN (6 bytes), big-endian. */
export const W_SQN: usize = WORK_PTR + 416;
/** AK = f5(RAND) (6 bytes). */
export const W_AK: usize = WORK_PTR + 424;
/** AK* = f5*(RAND) (6 bytes). */
export const W_AK_STAR: usize = WORK_PTR + 432;
/** AMF = 0x0000 for MAC-S in AUTS (TS 33.102 6.3.3): stays zero, never written. */
export const W_AMF_ZERO: usize = WORK_PTR + 440;
/** XMAC = f1(SQN, RAND, AMF) (up to 32 bytes). */
export const W_XMAC: usize = WORK_PTR + 448;
/** MAC-S = f1*(SQN_MS, RAND, AMF) (up to 32 bytes). */
export const W_MAC_S: usize = WORK_PTR + 480;
/** RES, CK, IK (up to 32 bytes each). */
export const W_RES: usize = WORK_PTR + 512;
export const W_CK: usize = WORK_PTR + 544;
export const W_IK: usize = WORK_PTR + 576;
/** MILENAGE TEMP, IN1 and one working block (16 bytes each). */
export const W_TEMP: usize = WORK_PTR + 608;
export const W_IN1: usize = WORK_PTR + 624;
export const W_BLK: usize = WORK_PTR + 640;
