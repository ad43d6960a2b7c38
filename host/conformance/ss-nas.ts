/**
 * The SS's NAS security context: the network model of host/network/nas-security.ts (node:crypto,
 * 128-NIA2/NEA2 and the null algorithms) extended with 128-NIA1/NEA1 and 128-NIA3/NEA3 from the
 * independent SNOW 3G and ZUC of host/reference/snow3g.ts and zuc.ts, so the SS can run the SNOW 3G
 * and ZUC test purposes (TS 36.523-1 22.5.10 / 22.5.12 TP1) without the UE firmware. Same framing,
 * COUNTs and estimates as the base class (TS 24.501 4.4.3, 9.1.1).
 */
import { NetworkNasContext, type NetAccess } from '../network/nas-security.js';
import { ref } from '../reference/kdf.js';
import { nea2Ref, nia2Ref } from '../reference/nas.js';
import { nea3Ref, nia3Ref } from '../reference/zuc.js';
import { nea1Ref, nia1Ref } from '../reference/snow3g.js';

const NIA = [null, nia1Ref, nia2Ref, nia3Ref] as const, NEA = [null, nea1Ref, nea2Ref, nea3Ref] as const;

const bearer = (a: NetAccess) => (a === '3gpp' ? 1 : 2);

export class SsNasContext extends NetworkNasContext {
  constructor(kamf: Uint8Array, ngKsi: number, nea: number, nia: number) {
    super(kamf, ngKsi, nea === 1 || nea === 3 ? 2 : nea, nia === 1 || nia === 3 ? 2 : nia);
    this.nea = nea; this.nia = nia;
    const k = ref.nasKeys(kamf, nea, nia); // A.8 with the selected algorithm identities
    this.knasenc = k.knasenc; this.knasint = k.knasint;
  }

  private macOf(count: number, access: NetAccess, direction: number, data: Uint8Array): Uint8Array {
    const f = NIA[this.nia];
    return f ? f(this.knasint, count, bearer(access), direction, data, data.length * 8) : new Uint8Array(4);
  }
  private cipherOf(count: number, access: NetAccess, direction: number, data: Uint8Array): Uint8Array {
    const f = NEA[this.nea];
    return f ? f(this.knasenc, count, bearer(access), direction, data, data.length * 8) : data.slice();
  }

  override protectDownlink(sht: 1 | 2 | 3, plain: Uint8Array, access: NetAccess = '3gpp'): { message: Uint8Array; count: number } {
    const count = this.dlNext[access];
    const body = sht === 2 ? this.cipherOf(count, access, 1, plain) : plain.slice();
    const sqnAndBody = Uint8Array.of(count & 0xff, ...body);
    const out = Uint8Array.of(0x7e, sht, ...this.macOf(count, access, 1, sqnAndBody), ...sqnAndBody);
    this.dlNext[access] = count + 1;
    return { message: out, count };
  }

  override verifyUplink(message: Uint8Array, access: NetAccess = '3gpp', peek = false): { plain: Uint8Array; count: number; sht: number } | null {
    if (message.length < 10 || message[0] !== 0x7e) return null;
    const sht = message[1];
    if (sht !== 1 && sht !== 2 && sht !== 4) return null;
    const sqn = message[6], last = this.ulLast[access];
    let overflow = last < 0 ? 0 : last >>> 8;
    if (last >= 0 && sqn <= (last & 0xff)) overflow++;
    const count = overflow * 256 + sqn;
    const mac = this.macOf(count, access, 0, message.subarray(6));
    if (!mac.every((b, i) => b === message[2 + i])) return null;
    const body = message.subarray(7);
    const plain = sht === 2 || sht === 4 ? this.cipherOf(count, access, 0, body) : body.slice();
    if (!peek) this.ulLast[access] = count;
    return { plain, count, sht };
  }
}
