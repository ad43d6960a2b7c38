// Exact boundaries of the raw firmware ABI (README "ABI"): an input may use the mailbox up to its
// last byte and not one byte further, and the context-read export serves the four public slots and
// the SRVCC slot, never the internal candidate slot. Found by the firmware mutation runner
// (issue 16): `KEY = 32 → 33` and `slot >= SLOT_COUNT - 1 → + 1` survived the suite.
import { describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { instantiateSync } from '../../host/firmware/loader.js';
import { toHex } from '../helpers.js';
import { ref } from '../../host/reference/kdf.js';
import { buildNasc, TSC_MAPPED } from '../../host/network/mme.js';

const fw = instantiateSync('ue');
const status = (name: string) => fw.constant(`STATUS_${name}`);
const KAMF = Uint8Array.from({ length: 32 }, (_, i) => 0xa0 ^ i);

describe('mailbox boundary: a 32-octet key may end exactly at the last byte of IO_IN', () => {
  const last = fw.inLen - 32;
  // TS 33.501 A.9: KgNB = HMAC-SHA-256(KAMF, 0x6E ‖ UL NAS COUNT ‖ 0x00 0x04 ‖ access type ‖ 0x00 0x01)
  const kgnb = (count: number, access: number) => createHmac('sha256', KAMF)
    .update(Buffer.from('6e' + count.toString(16).padStart(8, '0') + '0004' + access.toString(16).padStart(2, '0') + '0001', 'hex')).digest('hex');
  it(`derive_kgnb with KAMF at IO_IN offset ${last} (the last 32 octets): accepted, TS 33.501 A.9 value`, () => {
    fw.begin(); fw.putAt(last, KAMF);
    expect(fw.tryCall('derive_kgnb', last, 7, 1)).toBe(0);
    expect(toHex(fw.take(0, 32))).toBe(kgnb(7, 1));
  });
  it(`derive_kgnb with KAMF at offset ${last + 1} (one octet past the mailbox): STATUS_ERR_RANGE`, () => {
    expect(fw.tryCall('derive_kgnb', last + 1, 7, 1)).toBe(status('ERR_RANGE'));
  });
  it('derive_kamf_prime and derive_nh take a key at the last 32 octets and refuse one octet further', () => {
    fw.begin(); fw.putAt(last, KAMF); fw.putAt(0, KAMF);
    // TS 33.501 A.13: KAMF′ = HMAC-SHA-256(KAMF, 0x72 ‖ DIRECTION ‖ 0x00 0x01 ‖ COUNT ‖ 0x00 0x04)
    expect(fw.tryCall('derive_kamf_prime', last, 0, 5)).toBe(0);
    expect(toHex(fw.take(0, 32))).toBe(createHmac('sha256', KAMF).update(Buffer.from('72000001000000050004', 'hex')).digest('hex'));
    expect(fw.tryCall('derive_kamf_prime', last + 1, 0, 5)).toBe(status('ERR_RANGE'));
    // TS 33.501 A.10: NH = HMAC-SHA-256(KAMF, 0x6F ‖ SYNC-input ‖ 0x00 0x20)
    expect(fw.tryCall('derive_nh', 0, last)).toBe(0);
    expect(toHex(fw.take(0, 32))).toBe(createHmac('sha256', KAMF).update(Buffer.concat([Buffer.of(0x6f), KAMF, Buffer.of(0, 0x20)])).digest('hex'));
    expect(fw.tryCall('derive_nh', 0, last + 1)).toBe(status('ERR_RANGE'));
  });
});

describe('ctx_read serves slots 0–3 and the SRVCC slot 5, never the internal candidate slot 4', () => {
  it('slots 0, 1, 2, 3 and 5: STATUS_OK', () => {
    for (const s of [0, 1, 2, 3, 5]) expect(fw.tryCall('ctx_read', s), `slot ${s}`).toBe(0);
  });
  it('slot 4 (the candidate of a running SMC, internal) and 6, 7, 0xffffffff: STATUS_ERR_VALUE', () => {
    for (const s of [4, 6, 7, 0xffffffff]) expect(fw.tryCall('ctx_read', s), `slot ${s}`).toBe(status('ERR_VALUE'));
  });
});

describe('value ranges are checked by the firmware itself, not only by the host API', () => {
  // TS 36.101 5.7.3: EARFCN is 0–262143 (18 bits); TS 33.401 A.5 and TS 33.501 A.12 take it as is.
  it('derive_kenb_star: EARFCN-DL 262143 accepted, 262144 → STATUS_ERR_VALUE', () => {
    fw.begin(); fw.putAt(0, KAMF);
    expect(fw.tryCall('derive_kenb_star', 0, 1, 262143)).toBe(0);
    expect(fw.tryCall('derive_kenb_star', 0, 1, 262144)).toBe(status('ERR_VALUE'));
  });
  it('derive_kng_ran_star towards an ng-eNB (target 1): EARFCN-DL 262143 accepted, 262144 → STATUS_ERR_VALUE', () => {
    fw.begin(); fw.putAt(0, KAMF);
    expect(fw.tryCall('derive_kng_ran_star', 0, 1, 1, 262143)).toBe(0);
    expect(fw.tryCall('derive_kng_ran_star', 0, 1, 1, 262144)).toBe(status('ERR_VALUE'));
  });
});

describe('TS 33.501 A.6 KSEAF: any serving network name length that fits the mailbox', () => {
  it('a 4,000-octet serving network name: KDF(KAUSF, 0x6C ‖ SNN ‖ L0) as node:crypto computes it', () => {
    const snn = Buffer.alloc(4000, 0x61); // 'aaaa…'
    fw.begin(); fw.putAt(0, KAMF); fw.putAt(32, snn);
    expect(fw.tryCall('derive_kseaf', 0, 32, snn.length)).toBe(0);
    const expected = createHmac('sha256', KAMF).update(Buffer.concat([Buffer.of(0x6c), snn, Buffer.of(4000 >> 8, 4000 & 0xff)])).digest('hex');
    expect(toHex(fw.take(0, 32))).toBe(expected);
  });
});

describe('wipe_scratch leaves no input of the last derivation anywhere in module memory', () => {
  it('a distinctive serving network name is gone from all 65,536 bytes after wipe_scratch', () => {
    const snn = Buffer.from('5G:mnc099.mcc999.3gppnetwork.org/wipe-scratch-probe');
    fw.begin(); fw.putAt(0, KAMF); fw.putAt(32, snn);
    expect(fw.tryCall('derive_kseaf', 0, 32, snn.length)).toBe(0);
    expect(fw.tryCall('wipe_scratch')).toBe(0);
    expect(Buffer.from(fw.snapshot()).indexOf(snn.subarray(0, 24))).toBe(-1);
  });
});

// wipe_scratch's contract (host/firmware/keys.ts wipeScratch, README ABI): it wipes "the HMAC key
// cache, the hash contexts, S, scratch and both mailboxes". Each region is checked after a
// derivation and an open SHA-256 stream (which keeps its partial block in SHA_CTX until then).
describe('wipe_scratch zeroes every key-bearing region it names', () => {
  it('after derive_kseaf and an open sha256 stream: HMAC_KEY, HMAC_WORK, SHA_CTX, KDF_S, TMP, IO_IN, IO_OUT all zero; KSEAF (node:crypto, TS 33.501 A.6) nowhere', () => {
    const snn = Buffer.from('5G:mnc093.mcc208.3gppnetwork.org');
    fw.begin(); fw.putAt(0, KAMF); fw.putAt(32, snn);
    expect(fw.tryCall('derive_kseaf', 0, 32, snn.length)).toBe(0);
    // TS 33.501 A.6: KSEAF = HMAC-SHA-256(KAUSF, 0x6C ‖ SN name ‖ length of SN name)
    const len = Buffer.of(snn.length >> 8, snn.length & 0xff);
    const kseaf = createHmac('sha256', KAMF).update(Buffer.concat([Buffer.of(0x6c), snn, len])).digest();
    expect(toHex(fw.snapshot().subarray(fw.outPtr, fw.outPtr + 32))).toBe(kseaf.toString('hex'));
    fw.begin(); fw.putAt(0, Uint8Array.of(1, 2, 3));
    expect(fw.tryCall('sha256_init')).toBe(0);
    expect(fw.tryCall('sha256_update', 0, 3)).toBe(0);
    expect(fw.tryCall('wipe_scratch')).toBe(0);
    const m = fw.snapshot();
    for (const r of ['HMAC_KEY', 'HMAC_WORK', 'SHA_CTX', 'KDF_S', 'TMP', 'IO_IN', 'IO_OUT']) {
      const p = fw.constant(`${r}_PTR`), l = fw.constant(`${r}_LEN`);
      expect(m.subarray(p, p + l).every((b) => b === 0), `${r} after wipe_scratch`).toBe(true);
    }
    expect(Buffer.from(m).indexOf(kseaf.subarray(0, 8)), 'KSEAF in memory').toBe(-1);
  });
});

// assembly/me/abi/kdf.ts wipe_scratch: "memory.ts declares them back to back, IO_IN first and TMP
// last (… every size a multiple of the 16-byte alignment), with only CIPHER_CTX between KDF_S and
// TMP". So each scratch region ends exactly where the next begins: no gap of alignment padding that
// no region owns (memory.ts: "every byte the firmware touches is declared here"). HMAC_KEY is sized
// by the key context (crypto/hmac-size.ts, layout in crypto/hmac.ts: 144 octets).
describe('the wipe_scratch regions are declared back to back, each a multiple of 16 octets', () => {
  it('IO_IN, IO_OUT, SHA_CTX, HMAC_WORK, HMAC_KEY, KDF_S, CIPHER_CTX, TMP: each _PTR + _LEN is the next _PTR', () => {
    const run = ['IO_IN', 'IO_OUT', 'SHA_CTX', 'HMAC_WORK', 'HMAC_KEY', 'KDF_S', 'CIPHER_CTX', 'TMP'];
    for (let i = 0; i < run.length; i++) {
      const p = fw.constant(`${run[i]}_PTR`), l = fw.constant(`${run[i]}_LEN`);
      expect(l % 16, `${run[i]}_LEN`).toBe(0);
      if (i + 1 < run.length) expect(p + l, `${run[i]} ends where ${run[i + 1]} begins`).toBe(fw.constant(`${run[i + 1]}_PTR`));
    }
    expect(fw.constant('HMAC_KEY_LEN'), 'the HMAC key context of crypto/hmac.ts').toBe(144);
  });
});

// wipe_scratch wipes IO_IN … TMP in one run (assembly/me/abi/kdf.ts): that relies on the memory map
// declaring the scratch regions back to back. The contract's other half: the security contexts
// (CTX_SLOTS, TS 33.501 6.2.3 — a wipe of scratch must not delete a context) and UE_STATE survive it,
// byte for byte, and nothing outside the scratch regions changes.
describe('wipe_scratch keeps the security contexts and the UE state', () => {
  it('a context installed in slot 0: every byte outside IO_IN … TMP, CTX_SLOTS and UE_STATE included, is unchanged', () => {
    fw.begin(); fw.putAt(64, KAMF);
    expect(fw.tryCall('ctx_install', 0, 64, 1, 0x22, 2)).toBe(0);
    const before = fw.snapshot().slice();
    const slots = [fw.constant('CTX_SLOTS_PTR'), fw.constant('CTX_SLOTS_LEN')], state = [fw.constant('UE_STATE_PTR'), fw.constant('UE_STATE_LEN')];
    expect(before.subarray(slots[0], slots[0] + slots[1]).some((b) => b !== 0), 'the slot holds the context').toBe(true);
    expect(fw.tryCall('wipe_scratch')).toBe(0);
    const after = fw.snapshot();
    const scratchFrom = fw.constant('IO_IN_PTR'), scratchTo = fw.constant('TMP_PTR') + fw.constant('TMP_LEN');
    for (const [p, l] of [slots, state]) expect(p >= scratchTo || p + l <= scratchFrom, 'the region lies outside the scratch run').toBe(true);
    const changed: number[] = [];
    for (let i = 0; i < after.length; i++) if ((i < scratchFrom || i >= scratchTo) && after[i] !== before[i]) changed.push(i);
    expect(changed, 'bytes outside the scratch regions changed by wipe_scratch').toEqual([]);
    fw.tryCall('ctx_wipe', 0);
  });
});

// TS 33.501 A.2: KAUSF = HMAC-SHA-256(CK ‖ IK, 0x6A ‖ P0 ‖ L0 ‖ SQN⊕AK ‖ 0x00 0x06), P0 = the
// serving network name (TS 24.501 9.12.1, "5G:…", never empty). The ABI refuses an empty P0 with a
// LENGTH status and accepts every non-empty one, down to a single octet.
describe('derive_kausf: serving network name length boundary (empty refused, 1 octet accepted)', () => {
  const sqnXorAk = Buffer.from('a1a2a3a4a5a6', 'hex');
  it('snnLen 0 → STATUS_ERR_LENGTH; snnLen 1 → the TS 33.501 A.2 value (node:crypto)', () => {
    fw.begin(); fw.putAt(0, KAMF); fw.putAt(32, Uint8Array.of(0x35)); fw.putAt(40, sqnXorAk);
    expect(fw.tryCall('derive_kausf', 0, 32, 0, 40)).toBe(status('ERR_LENGTH'));
    expect(fw.tryCall('derive_kausf', 0, 32, 1, 40)).toBe(0);
    const want = createHmac('sha256', KAMF).update(Buffer.concat([Buffer.of(0x6a, 0x35, 0x00, 0x01), sqnXorAk, Buffer.of(0x00, 0x06)])).digest('hex');
    expect(toHex(fw.snapshot().subarray(fw.outPtr, fw.outPtr + 32))).toBe(want);
  });
});

// Issue 17 ("nothing secret stays in module memory after a call returns"), at the raw ABI — an
// emulator or a C host calls the export directly, without the host wrapper that clears the
// mailboxes: ctx_install copies the KAMF into the slot and wipes its copy in IO_IN.
describe('ctx_install leaves no KAMF in IO_IN (issue 17, raw ABI without the host wrapper)', () => {
  it('the 32 octets of IO_IN that held the KAMF are zero after an accepted install; the KAMF lives only in its slot', () => {
    fw.clearMailboxes(); // earlier cases of this file leave keys in IO_IN on purpose
    fw.begin(); fw.putAt(64, KAMF);
    // slot 0 (CURRENT), ngKSI 1, NEA2/NIA2, type 2 = full native
    expect(fw.tryCall('ctx_install', 0, 64, 1, 0x22, 2)).toBe(0);
    const mem = fw.snapshot();
    const ioIn = mem.subarray(fw.inPtr + 64, fw.inPtr + 96);
    expect(toHex(ioIn)).toBe('00'.repeat(32));
    const hex = toHex(mem), k = toHex(KAMF);
    expect(hex.split(k).length - 1, 'copies of the KAMF in the 64 KiB page').toBe(1);
    fw.tryCall('ctx_wipe', 0);
  });
});

// The same rule for the EPS → 5G handover (TS 33.501 8.4): KASME and NH serve only to derive
// K′AMF = A.15.2(KASME, NH), so the export wipes both from IO_IN — exactly their 32 octets each:
// the S1 mode to N1 mode NAS transparent container (not secret) and anything else the host put
// in the mailbox stay as they were (an export changes only what README "ABI" says it changes).
describe('eps_to_5g_ho leaves no KASME or NH in IO_IN, and wipes nothing else (issue 17, raw ABI)', () => {
  it('KASME at IO_IN[0..32), the container right after it, NH at [40..72), a marker after NH: both keys zero, container and marker intact', () => {
    fw.clearMailboxes();
    const kasme = Uint8Array.from({ length: 32 }, (_, i) => 0x31 + 3 * i), nh = Uint8Array.from({ length: 32 }, (_, i) => 0xc4 ^ (5 * i));
    // the target AMF's container for eKSI 3, 128-NEA2/128-NIA2, MAC with KNASint of K′AMF (host/network
    // and host/reference, node:crypto: not the firmware)
    const kamf = ref.kamfFromKasmeHo(kasme, nh);
    const nasc = buildNasc(ref.nasKeys(kamf, 2, 2).knasint, 2, 2, 3 | TSC_MAPPED, 0);
    expect(nasc[0], 'the octet right after KASME is non-zero before the call').not.toBe(0);
    const marker = Uint8Array.of(0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee);
    fw.begin(); fw.putAt(0, kasme); fw.putAt(32, nasc); fw.putAt(40, nh); fw.putAt(72, marker);
    try {
      expect(fw.tryCall('eps_to_5g_ho', 0, 40, 32)).toBe(0);
      const mem = fw.snapshot(), at = (o: number, n: number) => toHex(mem.subarray(fw.inPtr + o, fw.inPtr + o + n));
      expect(at(0, 32), 'KASME in IO_IN').toBe('00'.repeat(32));
      expect(at(40, 32), 'NH in IO_IN').toBe('00'.repeat(32));
      expect(at(32, 7), 'the NAS transparent container after KASME').toBe(toHex(nasc));
      expect(at(39, 1), 'the octet between the container and NH').toBe('00');
      expect(at(72, 8), 'the octets after NH').toBe(toHex(marker));
      // the handover took effect: the current context is the mapped one made from K′AMF
      expect(fw.tryCall('ctx_read', 0)).toBe(0);
      expect(toHex(fw.take(32, 32))).toBe(toHex(kamf));
    } finally {
      // later cases expect no context and read IO_OUT as the export under test left it
      for (const s of [0, 1, 2, 3]) fw.tryCall('ctx_wipe', s);
      fw.clearMailboxes();
    }
  });
});

describe('the S1→N1 / N2 NAS transparent container is 7 octets and may end at the last byte of IO_IN', () => {
  // README "Modelling choices": the NAS transparent container is 7 octets (assembly/me/abi/mobility.ts);
  // a container at IO_IN[4089..4096) is in range, one octet further is not.
  const last = fw.inLen - 7;
  it(`n2_ho with the container at IO_IN offset ${last}: past the range check (no context yet → ERR_STATE); at ${last + 1}: ERR_RANGE`, () => {
    fw.begin();
    expect(fw.tryCall('n2_ho', last)).toBe(status('ERR_STATE'));
    expect(fw.tryCall('n2_ho', last + 1)).toBe(status('ERR_RANGE'));
  });
  it(`eps_to_5g_ho with the container at IO_IN offset ${last}: not a range error; at ${last + 1}: ERR_RANGE`, () => {
    fw.begin();
    expect(fw.tryCall('eps_to_5g_ho', 0, 32, last)).not.toBe(status('ERR_RANGE'));
    fw.begin();
    expect(fw.tryCall('eps_to_5g_ho', 0, 32, last + 1)).toBe(status('ERR_RANGE'));
  });
});

describe('a derivation writes exactly its result: IO_OUT past the 32 octets is left as it was', () => {
  // assembly/abi/derive.ts: "the result is written to IO_OUT[0..32)". A SHA-256 final that wrote one
  // word more would put the first word of its last block there — in HMAC's outer hash, four octets
  // of the inner hash.
  it('derive_kgnb: IO_OUT[0..32) = TS 33.501 A.9 value, IO_OUT[32..64) all zero', () => {
    fw.begin(); fw.putAt(0, KAMF);
    expect(fw.tryCall('derive_kgnb', 0, 7, 1)).toBe(0);
    expect(toHex(fw.take(0, 32))).toBe(createHmac('sha256', KAMF).update(Buffer.from('6e000000070004010001', 'hex')).digest('hex'));
    expect(toHex(fw.take(32, 32))).toBe('00'.repeat(32));
  });
});

describe('exports write only inside the documented memory map: nothing below IO_IN', () => {
  // README "Memory map": the regions start at IO_IN (0x0400 in the release build); the octets below
  // it belong to no region, so no export may write there (a stray store through a null or swapped
  // pointer would land there).
  it('128-NIA0–3 and 128-NEA0–3 over a message, and a KDF: memory[0..IO_IN) stays all zero', () => {
    const inPtr = fw.inPtr;
    expect(inPtr).toBeGreaterThanOrEqual(8);
    expect(fw.snapshot().subarray(0, inPtr).every((b) => b === 0)).toBe(true);
    const key = Uint8Array.from({ length: 16 }, (_, i) => 0x2b ^ i), msg = Uint8Array.from({ length: 45 }, (_, i) => i * 7);
    for (let alg = 0; alg <= 3; alg++) {
      fw.begin(); fw.putAt(0, key); fw.putAt(16, msg);
      expect(fw.tryCall('nas_mac', alg, 0, 0x38a6f056, 0x1f, 1, 16, msg.length * 8 - 3)).toBe(0);
      expect(fw.tryCall('nas_cipher', alg, 0, 0x38a6f056, 0x1f, 1, 16, msg.length * 8 - 3)).toBe(0);
    }
    fw.begin(); fw.putAt(0, KAMF);
    expect(fw.tryCall('derive_kgnb', 0, 7, 1)).toBe(0);
    const low = fw.snapshot().subarray(0, inPtr);
    expect(toHex(low.filter((b) => b !== 0)), 'non-zero octets below IO_IN').toBe('');
  });
});

// TS 33.501 A.8: P1 = the algorithm identity, a 4-bit value (TS 33.501 5.11.1: 0–15); P0 the
// algorithm type distinguisher 0x01–0x06. derive_alg_key refuses 16 before writing anything.
describe('derive_alg_key: algorithm identity 0–15 (TS 33.501 A.8)', () => {
  it('algId 15 is accepted, 16 is STATUS_ERR_VALUE and IO_OUT is not written', () => {
    fw.begin();
    const k = fw.put(new Uint8Array(32).fill(0x33));
    expect(fw.tryCall('derive_alg_key', k, 1, 15)).toBe(0);
    fw.clearMailboxes();
    fw.begin();
    const k2 = fw.put(new Uint8Array(32).fill(0x33));
    expect(fw.tryCall('derive_alg_key', k2, 1, 16)).toBe(status('ERR_VALUE'));
    expect(fw.take(0, 16).every((b) => b === 0)).toBe(true);
    fw.clearMailboxes();
  });
});
