// The ME module's static memory map: every byte the firmware touches is declared here, once.
// The module has exactly one 64 KiB page (initial = maximum), no allocator and no stack in linear
// memory, so this table is the whole story (README "Memory map" repeats it, generated from the
// exported *_PTR / *_LEN globals by `node build/cli.mjs abi`).
//
// | region        | size  | what                                                                  |
// |---------------|-------|-----------------------------------------------------------------------|
// | IO_IN         | 4096  | request mailbox: the host writes inputs here, exports take offsets   |
// | IO_OUT        | 4096  | response mailbox: exports write results at documented offsets        |
// | SHA_CTX       | 368   | streaming SHA-256 (H, block, byte count, schedule W)                 |
// | HMAC_WORK     | 368   | SHA-256 context used inside HMAC/KDF (never exposed)                 |
// | HMAC_KEY      | 144   | HMAC key context of one call: key, length, HOLD, ipad/opad states;   |
// |               |       | all zeros whenever no export is running (crypto/hmac.ts)              |
// | KDF_S         | 4608  | S = FC ‖ P0 ‖ L0 ‖ … built by the appender (TS 33.220 B.2)           |
// | CIPHER_CTX    | 512   | per-call state of the NEA/NIA algorithm in use (AES, SNOW 3G, ZUC)   |
// | TMP           | 256   | scratch for intermediate keys inside one export; wiped before return |
// | CTX_SLOTS     | 1280  | 5G NAS security contexts: CURRENT, NEW, NON_CURRENT, MAPPED, CAND    |
// |               |       | (5 × 256: each with its KAMF's HMAC pads, kdf/kdf.ts)                |
// | SRVCC_CTX     | 64    | mapped SRVCC (CS) security context: CKSRVCC, IKSRVCC, KSISRVCC       |
// | UE_STATE      | 128   | UE config and procedure state (security capabilities, IMEISV, RR COUNT)|
// | INITIAL_MSG   | 1024  | the plain initial NAS message (Registration Request) for RINMR        |
// | NAS_MSG       | 2048  | a plain NAS message being built (SMC Complete/Reject) before protection|
//
// Everything is wiped (zeroed) when it holds retired key material: see wipe() callers.
//
// The FAST build (build/ue-fast.wasm, issue 12, crypto/variant.ts) has every region above at the
// same address (tests/fast-build.test.ts compares every exported constant). After them, among the
// constant tables of crypto/, it adds static blocks of its own (not exported, not in the small
// build; `node build/cli.mjs profile` lists them with their addresses):
//
// | block         | size  | what                                                                  |
// |---------------|-------|-----------------------------------------------------------------------|
// | FT0 (FT0..3)  | 4096  | AES T-tables, computed at start (crypto/aes-fast.ts; also SNOW 3G S1) |
// | FS0 (FS0..3)  | 4096  | AES S-box in each byte position, computed at start                     |
// | SNOW_TABLES   | 6144  | SNOW 3G S2 tables, full MULα and DIVα, computed at start              |
// | SNOW_SCRATCH  | 2048  | f9 multiplication tables of one call; wiped                           |
// | ZSB           | 512   | ZUC S-boxes S0 ‖ S1, copied at start (crypto/zuc-fast.ts)             |
// | ZUC_SCRATCH   | 128   | EIA3 window table of one call; wiped                                  |

import { HMAC_KEY_CTX_SIZE } from "../crypto/hmac-size";

/** Request mailbox (host → firmware). */
export const IO_IN_PTR: usize = memory.data(4096, 16);
export const IO_IN_LEN: u32 = 4096;
/** Response mailbox (firmware → host). */
export const IO_OUT_PTR: usize = memory.data(4096, 16);
export const IO_OUT_LEN: u32 = 4096;

/** Streaming SHA-256 context for the sha256_init/update/final exports. Layout in crypto/sha256.ts. */
export const SHA_CTX_PTR: usize = memory.data(368, 16);
export const SHA_CTX_LEN: u32 = 368;
/** SHA-256 context used by HMAC and the KDF. */
export const HMAC_WORK_PTR: usize = memory.data(368, 16);
export const HMAC_WORK_LEN: u32 = 368;
/** HMAC key context of the running call (crypto/hmac.ts): all zeros once any export has returned. */
export const HMAC_KEY_PTR: usize = memory.data(HMAC_KEY_CTX_SIZE, 16);
/** = the layout's size (crypto/hmac-size.ts), so the region and what hmacForget wipes are one number. */
export const HMAC_KEY_LEN: u32 = HMAC_KEY_CTX_SIZE;

/** The KDF input string S. */
export const KDF_S_PTR: usize = memory.data(4608, 16);
export const KDF_S_LEN: u32 = 4608;

/** State of the NAS algorithm of the current call (AES round keys + CMAC subkeys, SNOW 3G, ZUC). */
export const CIPHER_CTX_PTR: usize = memory.data(512, 16);
export const CIPHER_CTX_LEN: u32 = 512;

/** Scratch for intermediate keys within one export (e.g. KASME_SRVCC on the way to CK/IK). */
export const TMP_PTR: usize = memory.data(256, 16);
export const TMP_LEN: u32 = 256;

/** The 5G NAS security context slots (context/slots.ts): five fixed-size flat regions, no
 *  pointers inside, so moving a context is one copy and retiring one is one wipe. Each keeps
 *  its KAMF's HMAC pads beside it (kdf/kdf.ts). */
export const CTX_SLOTS_PTR: usize = memory.data(1280, 16);
export const CTX_SLOTS_LEN: u32 = 1280;

/** Mapped SRVCC (CS) security context (context/srvcc.ts). */
export const SRVCC_CTX_PTR: usize = memory.data(64, 16);
export const SRVCC_CTX_LEN: u32 = 64;

/** UE configuration and procedure state (context/ue-state.ts). */
export const UE_STATE_PTR: usize = memory.data(128, 16);
export const UE_STATE_LEN: u32 = 128;

/** Copy of the plain initial NAS message, resent in the NAS message container of the Security
 *  Mode Complete when the network asks for it (RINMR, TS 24.501 5.4.2.3). */
export const INITIAL_MSG_PTR: usize = memory.data(1024, 16);
export const INITIAL_MSG_LEN: u32 = 1024;

/** A plain NAS message being built by the firmware before it is protected into IO_OUT. */
export const NAS_MSG_PTR: usize = memory.data(2048, 16);
export const NAS_MSG_LEN: u32 = 2048;
