/**
 * The network side of a 5G NAS security context (an AMF's view), written independently of the
 * firmware with node:crypto: NAS keys (A.8 via the reference KDF), 128-NEA2/NIA2 (AES) or the
 * null algorithms, COUNTs, downlink protection and uplink verification (TS 24.501 4.4,
 * TS 33.501 6.4). 128-NEA1/3 and NIA1/3 (SNOW 3G, ZUC) have no node:crypto implementation, so
 * the network models select AES or null algorithms.
 */
import { ref } from '../reference/kdf.js';
import { nea2Ref, nia2Ref } from '../reference/nas.js';
import { InputError } from '../errors.js';

import type { Access as NetAccess } from '../types.js'; export type { NetAccess };
const bearer = (a: NetAccess) => (a === '3gpp' ? 1 : 2);
const EPD = 0x7e;

export class NetworkNasContext {
  knasenc: Uint8Array;
  knasint: Uint8Array;
  /** Next DL NAS COUNT to send, per access. */
  dlNext: Record<NetAccess, number> = { '3gpp': 0, non3gpp: 0 };
  /** Last accepted UL NAS COUNT, per access (-1: none yet). */
  ulLast: Record<NetAccess, number> = { '3gpp': -1, non3gpp: -1 };

  constructor(readonly kamf: Uint8Array, public ngKsi: number, public nea: number, public nia: number) {
    for (const [n, v] of [['nea', nea], ['nia', nia]] as const) if (v !== 0 && v !== 2) throw new InputError(n, `must be 0 or 2 in the network model (node:crypto has AES only), got ${v}`, v);
    const k = ref.nasKeys(kamf, nea, nia);
    this.knasenc = k.knasenc; this.knasint = k.knasint;
  }

  /** A copy with the same KAMF, keys and COUNTs (what a context transfer carries). */
  clone(): NetworkNasContext {
    const c = new NetworkNasContext(this.kamf, this.ngKsi, this.nea, this.nia);
    c.dlNext = { ...this.dlNext }; c.ulLast = { ...this.ulLast };
    return c;
  }

  private mac(count: number, access: NetAccess, direction: number, data: Uint8Array): Uint8Array {
    return this.nia === 0 ? new Uint8Array(4) : nia2Ref(this.knasint, count, bearer(access), direction, data, data.length * 8);
  }

  private cipher(count: number, access: NetAccess, direction: number, data: Uint8Array): Uint8Array {
    return this.nea === 0 ? data.slice() : nea2Ref(this.knasenc, count, bearer(access), direction, data, data.length * 8);
  }

  /** Protect a downlink message: SHT 1/3 integrity only, 2 integrity and ciphering. */
  protectDownlink(sht: 1 | 2 | 3, plain: Uint8Array, access: NetAccess = '3gpp'): { message: Uint8Array; count: number } {
    const count = this.dlNext[access];
    if (count > 0xffffff) throw new Error('DL NAS COUNT would wrap: the AMF must re-key first (TS 33.501 6.9.4.2)');
    const body = sht === 2 ? this.cipher(count, access, 1, plain) : plain.slice();
    const sqnAndBody = new Uint8Array(1 + body.length);
    sqnAndBody[0] = count & 0xff; sqnAndBody.set(body, 1);
    const out = new Uint8Array(7 + body.length);
    out[0] = EPD; out[1] = sht; out.set(this.mac(count, access, 1, sqnAndBody), 2); out.set(sqnAndBody, 6);
    this.dlNext[access] = count + 1;
    return { message: out, count };
  }

  /** Verify an uplink protected message: estimate the UL COUNT from its SQN, check the MAC (and
   *  replay), decipher. Returns null on any failure (nothing changes). */
  verifyUplink(message: Uint8Array, access: NetAccess = '3gpp', peek = false): { plain: Uint8Array; count: number; sht: number } | null {
    if (message.length < 10 || message[0] !== EPD) return null;
    const sht = message[1];
    if (sht !== 1 && sht !== 2 && sht !== 4) return null; // type 3 is downlink only (SMC)
    const count = this.checkUplinkMac(message.subarray(2, 6), message.subarray(6), access);
    if (count === null) return null;
    const body = message.subarray(7);
    const plain = sht === 2 || sht === 4 ? this.cipher(count, access, 0, body) : body.slice();
    if (!peek) this.ulLast[access] = count;
    return { plain, count, sht };
  }

  /**
   * Verify an EPS NAS message integrity protected with this 5G context (the TAU Request of 5GS → EPS
   * idle mobility, TS 33.501 8.6.1 / TS 24.301 4.4.2.3): EPS security protected framing (octet 1 =
   * security header type 1 ‖ PD 7, MAC, SQN, plain EPS message, TS 24.301 9.1), MAC over SQN ‖
   * message (9.5) with this context's KNASint and the 5G UL NAS COUNT of 3GPP access. Null on any
   * failure (nothing changes).
   */
  verifyUplinkEps(message: Uint8Array): { plain: Uint8Array; count: number } | null {
    if (message.length < 9 || message[0] !== 0x17) return null; // integrity protected (not ciphered), PD 7
    const count = this.checkUplinkMac(message.subarray(1, 5), message.subarray(5), '3gpp');
    if (count === null) return null;
    this.ulLast['3gpp'] = count;
    return { plain: message.slice(6), count };
  }

  /** The UL COUNT estimated from the SQN (first octet of `sqnAndBody`) if `mac` verifies over
   *  SQN ‖ body with it; null otherwise. */
  private checkUplinkMac(mac: Uint8Array, sqnAndBody: Uint8Array, access: NetAccess): number | null {
    const sqn = sqnAndBody[0];
    const last = this.ulLast[access];
    let overflow = last < 0 ? 0 : last >>> 8;
    if (last >= 0 && sqn <= (last & 0xff)) overflow++;
    const count = overflow * 256 + sqn;
    const expect = this.mac(count, access, 0, sqnAndBody);
    return Buffer.compare(Buffer.from(expect), Buffer.from(mac)) === 0 ? count : null;
  }
}
