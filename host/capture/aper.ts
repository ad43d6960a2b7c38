/**
 * A bit writer for the ALIGNED PER (ITU-T X.691) values of the NGAP IEs whose fields do not fall on
 * octet boundaries (TargetID, UESecurityCapabilities, SecurityContext, …): fields are appended
 * MSB first; `align()` pads with zero bits to the next octet (X.691 10.9.3.x: octet-aligned
 * fields such as an OCTET STRING of 3 octets or a BIT STRING longer than 16 bits).
 */
export class AperBits {
  private readonly out: number[] = [];
  private acc = 0;
  private n = 0;

  /** `width` bits of `v` (width ≤ 32). */
  bits(v: number, width: number): this {
    for (let i = width - 1; i >= 0; i--) {
      this.acc = (this.acc << 1) | (Math.floor(v / 2 ** i) & 1);
      if (++this.n === 8) { this.out.push(this.acc); this.acc = 0; this.n = 0; }
    }
    return this;
  }
  align(): this { if (this.n) this.bits(0, 8 - this.n); return this; }
  /** Octets after aligning (an octet-aligned fixed-size field). */
  octets(b: ArrayLike<number>): this { this.align(); for (let i = 0; i < b.length; i++) this.out.push(b[i] & 0xff); return this; }
  /** The value, padded to whole octets (an open type's content). */
  done(): number[] { this.align(); return this.out; }
}
