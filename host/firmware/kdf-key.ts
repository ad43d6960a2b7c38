/**
 * A caller-owned KDF key context (issue 12): `const k = ue.kdfKey(kamf); k.derive(fc, params);
 * k.dispose()`. It holds the two HMAC-SHA-256 chaining states of one key, H(K0 ⊕ ipad) ‖
 * H(K0 ⊕ opad) (RFC 2104 2, the HMAC inside the TS 33.220 B.2 KDF), in a host-side Uint32Array
 * (its 64 octets as 16 words); every derive() hands them to the kdf export in IO_IN
 * (fc = KDF_WITH_CONTEXT | FC), so a derivation costs the firmware two SHA-256 compressions
 * instead of four.
 *
 * Why the caller holds them (issue 17, "secrets never travel"): the module keeps no key-derived
 * byte after any export returns — no hidden cross-call cache. The states are key-equivalent (with
 * them anyone computes every KDF output under that key), so they are handed only to the caller who
 * already holds the key, and both mailboxes are wiped after each call as for every other method.
 * dispose() overwrites the host copy with zeros; a disposed context derives nothing.
 * The firmware cannot check a context (any 64 octets are one): that is why this object keeps it
 * private and never lets a caller pass one in.
 */
import type { UeModule } from './loader.js';
import { bytes } from '../validate.js';
import { checkStatus, StateError } from '../errors.js';
import { beginKdf, finishKdf, KDF_OUT, type RawKdf } from './kdf-call.js';

/** Modes of the kdf export, in its `fc` argument above the FC octet (assembly/me/abi/kdf.ts). */
export const KDF_WITH_CONTEXT = 0x100;
export const KDF_MAKE_CONTEXT = 0x200;
/** Octets of a key context: the inner and the outer chaining state, 32 each. */
export const KDF_KEY_CONTEXT_LEN = 64;
/** ERR_STATE (assembly/lib/status.ts): what a disposed context answers. */
const STATUS_ERR_STATE = 8;

export class KdfKey {
  private readonly fw: UeModule;
  private readonly rawKdf: RawKdf;
  /** The key context, as the 16 native-endian words of its 64 octets (copied in and out of the
   *  mailbox a word at a time: the hot path, issue 12); all zeros once disposed. */
  private readonly ctx: Uint32Array;
  private live = true;

  /** Use {@link KeyDerivation.kdfKey}. `key` is any HMAC key of 0–4096 octets (KAMF, KAUSF, …). */
  constructor(fw: UeModule, key: Uint8Array) {
    this.fw = fw;
    this.rawKdf = fw.raw.kdf as RawKdf;
    bytes('key', key, [0, fw.inLen]);
    try {
      fw.begin();
      const k = fw.put(key);
      checkStatus(this.rawKdf(k, key.length, KDF_MAKE_CONTEXT, 0, 0), 'kdf');
      this.ctx = fw.takeWords(0, KDF_KEY_CONTEXT_LEN / 4);
    } finally { fw.clearWritten(KDF_KEY_CONTEXT_LEN); }
  }

  /** False once {@link dispose} ran. */
  get alive(): boolean { return this.live; }

  /**
   * TS 33.220 B.2 KDF under this context's key: HMAC-SHA-256(key, FC ‖ P0 ‖ L0 ‖ …), the same
   * value `kdf(key, fc, params)` returns. FC one octet; each parameter 0–65535 octets (as `kdf()`); the context,
   * the table and the parameters together fit the 4096-byte mailbox.
   */
  derive(fc: number, params: Uint8Array[]): Uint8Array {
    if (!this.live) throw new StateError(STATUS_ERR_STATE, 'KdfKey.derive', 'the key context was disposed');
    try {
      beginKdf(this.fw, KDF_KEY_CONTEXT_LEN, 'key context', fc, params);
      return finishKdf(this.fw, this.rawKdf, this.fw.putWords(this.ctx), KDF_KEY_CONTEXT_LEN, KDF_WITH_CONTEXT, fc, params);
    } finally { this.fw.clearWritten(KDF_OUT); }
  }

  /** Overwrite the key context with zeros. Idempotent; derive() afterwards throws StateError. */
  dispose(): void { this.ctx.fill(0); this.live = false; }
}
