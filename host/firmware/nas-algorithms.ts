/**
 * The NAS security algorithms of TS 33.501 Annex D over the ME firmware module: 128-NIA0..3
 * ({@link nasMac}) and 128-NEA0..3 ({@link nasCipher}), with COUNT, BEARER, DIRECTION and a LENGTH
 * in bits. Uint8Array in, fresh Uint8Array out; every input is checked here and a bad one raises
 * an {@link InputError} naming the field and the value before anything reaches the module.
 */
import type { UeModule } from './loader.js';
import { UE, type UeExports } from './abi.generated.js';
import { InputError } from '../errors.js';
import { bytes, int, u32 } from '../validate.js';

/** Algorithm identity (TS 33.501 5.11.1.1/5.11.1.2): 0 null, 1 SNOW 3G, 2 AES, 3 ZUC. */
export type NasAlgorithm = 0 | 1 | 2 | 3;

/** Inputs of one 128-NEA/NIA call (TS 33.401 B.1.1 / B.2.1). */
export interface NasAlgorithmInput {
  /** Algorithm identity 0..3 (NEA0/NIA0, 128-NEA1/NIA1, 128-NEA2/NIA2, 128-NEA3/NIA3). */
  alg: number;
  /** KNASenc / KNASint: 16 bytes. */
  key: Uint8Array;
  /** COUNT, 32 bits. */
  count: number;
  /** BEARER, 5 bits (the NAS connection identifier, TS 33.501 6.4.2.2). */
  bearer: number;
  /** DIRECTION: 0 uplink, 1 downlink. */
  direction: number;
  /** MESSAGE: at least ceil(bits / 8) bytes. */
  message: Uint8Array;
  /** LENGTH in bits (default: 8 × message.length). */
  bits?: number;
}

const KEY_LEN = UE.NAS_ALG_KEY_LEN;
const MAC_LEN = UE.NAS_ALG_MAC_LEN;

/** Check every field and place key and message in the mailbox; returns the call arguments. */
function load(fw: UeModule, input: NasAlgorithmInput): Parameters<UeExports['nas_mac']> {
  if (input === null || typeof input !== 'object') throw new InputError('input', `must be an object, got ${input === null ? 'null' : typeof input}`, input);
  const alg = int('alg', input.alg, 0, 3);
  const key = bytes('key', input.key, KEY_LEN);
  const count = u32('count', input.count);
  const bearer = int('bearer', input.bearer, 0, 31);
  const direction = int('direction', input.direction, 0, 1);
  const message = bytes('message', input.message, [0, Infinity]);
  // The message and the result must each fit the 4096-byte mailboxes (key first, 16 bytes).
  const maxBits = 8 * Math.min(fw.inLen - KEY_LEN, fw.outLen);
  const bits = input.bits === undefined ? 8 * message.length : int('bits', input.bits, 0, maxBits);
  if (bits > maxBits) throw new InputError('message', `must be at most ${maxBits / 8} bytes, got ${message.length}`, message.length);
  const n = Math.ceil(bits / 8);
  if (n > message.length) throw new InputError('bits', `needs ${n} message bytes, got ${message.length}`, bits);
  fw.begin();
  const k = fw.put(key);
  const m = fw.put(message.subarray(0, n));
  return [alg, k, count, bearer, direction, m, bits];
}

/**
 * 128-NIA<alg> (TS 33.501 D.3; = 128-EIA<alg> of TS 33.401 B.2): the 32-bit NAS-MAC over the
 * first `bits` bits of `message`. NIA0 returns four zero bytes.
 */
export function nasMac(fw: UeModule, input: NasAlgorithmInput): Uint8Array {
  try {
    const args = load(fw, input);
    fw.exports.nas_mac(...args);
    return fw.take(0, MAC_LEN);
  } finally { fw.clearWritten(MAC_LEN); } // the key and message leave IO_IN, the MAC IO_OUT (issue 17)
}

/**
 * 128-NEA<alg> (TS 33.501 D.2; = 128-EEA<alg> of TS 33.401 B.1): `message` XOR KEYSTREAM over the
 * first `bits` bits; returns ceil(bits / 8) bytes whose bits past `bits` are zero. Ciphering and
 * deciphering are the same operation. NEA0 returns the message itself.
 */
export function nasCipher(fw: UeModule, input: NasAlgorithmInput): Uint8Array {
  let written = 0; // nas_cipher writes exactly ceil(LENGTH / 8) octets of IO_OUT (tests/abi/nas-alg-abi.test.ts)
  try {
    const args = load(fw, input);
    written = Math.ceil(args[6] / 8);
    fw.exports.nas_cipher(...args);
    return fw.take(0, written);
  } finally { fw.clearWritten(written); } // not the whole 8 KiB of both mailboxes: issue 12's per-call cost
}
