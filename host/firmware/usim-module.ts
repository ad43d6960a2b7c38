/**
 * Typed host wrapper over the USIM firmware module (build/usim.wasm, assembly/usim/abi.ts).
 * Inputs are validated here first (InputError naming the field and value), copied into the
 * module's IO_IN mailbox, and results copied out of IO_OUT; the mailboxes are wiped after every
 * call so no key stays in them. K and OPc/TOPc never come back out of the card; the only way to
 * read them is the card's NVM image (saveState), which is what a power cycle has to persist.
 */
import { InputError, checkStatus } from '../errors.js';
import { Firmware, instantiateSync, type UsimModule as UsimModuleInstance } from './loader.js';
import { variantFile, variantOf, type VariantOptions } from './variant.js';
import { STATUS, USIM, USIM_NVM } from './abi.generated.js';

/** Byte offsets in the NVM image (PERSIST), generated from assembly/usim/memory.ts. */
export const NVM = USIM_NVM;

export type UsimAlgorithm = 'milenage' | 'tuak';

/** TUAK operator parameters (TS 35.231 5.1); defaults are the common 3GPP choice. */
export interface TuakParams {
  /** Keccak iterations, 1..255 (default 1). */
  iterations?: number;
  /** MAC-A / MAC-S length: 64 (default), 128 or 256 bits. */
  macBits?: number;
  /** RES length: 32, 64 (default), 128 or 256 bits. */
  resBits?: number;
  /** CK length: 128 (default) or 256 bits. */
  ckBits?: number;
  /** IK length: 128 (default) or 256 bits. */
  ikBits?: number;
}

/** Every output of f1, f1*, f2..f5, f5* and OPc/TOPc (TOPc for TUAK) for one input set. */
export interface AkaOutputs {
  opc: Uint8Array;
  macA: Uint8Array;
  macS: Uint8Array;
  res: Uint8Array;
  ck: Uint8Array;
  ik: Uint8Array;
  ak: Uint8Array;
  akStar: Uint8Array;
}

/** Result of AUTHENTICATE (TS 33.102 6.3.3). */
export type AuthResult =
  | { kind: 'ok'; res: Uint8Array; ck: Uint8Array; ik: Uint8Array }
  | { kind: 'sync-failure'; auts: Uint8Array }
  | { kind: 'mac-failure' };

/** The non-secret part of the card's NVM (TS 33.102 Annex C state). */
export interface SqnState {
  indBits: number;
  delta: bigint;
  ageLimit: bigint;
  sqnMs: bigint;
  /** SEQ_MS(0) .. SEQ_MS(2^indBits − 1) */
  seqMs: bigint[];
}

function bytes(field: string, v: unknown, ...lens: number[]): Uint8Array {
  if (!(v instanceof Uint8Array)) throw new InputError(field, `must be a Uint8Array, got ${v === null ? 'null' : typeof v}`, v);
  if (!lens.includes(v.length)) throw new InputError(field, `must be ${lens.join(' or ')} bytes, got ${v.length}`, v);
  return v;
}

function oneOf(field: string, v: unknown, allowed: number[]): number {
  if (typeof v !== 'number' || !allowed.includes(v)) throw new InputError(field, `must be ${allowed.join(' or ')}, got ${String(v)}`, v);
  return v;
}

function intIn(field: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new InputError(field, `must be an integer ${min}–${max}, got ${String(v)}`, v);
  }
  return v;
}

/** The TUAK `params` word of the ABI (assembly/usim/abi.ts). */
export function tuakParamsWord(p: TuakParams = {}): number {
  const it = intIn('iterations', p.iterations ?? 1, 1, 255);
  const mac = oneOf('macBits', p.macBits ?? 64, [64, 128, 256]);
  const res = oneOf('resBits', p.resBits ?? 64, [32, 64, 128, 256]);
  const ck = oneOf('ckBits', p.ckBits ?? 128, [128, 256]);
  const ik = oneOf('ikBits', p.ikBits ?? 128, [128, 256]);
  return (it | ((mac / 8) << 8) | ((res / 8) << 16) | ((ck / 128) << 24) | ((ik / 128) << 28)) >>> 0;
}

/** One USIM card: the firmware instance, its NVM in PERSIST. */
export class UsimModule {
  readonly fw: UsimModuleInstance;
  /** Output offsets and the PERSIST region (host/firmware/abi.generated.ts). */
  private readonly c = USIM;

  /** `fw`: an instance to wrap, or `{ variant }` to instantiate build/usim-fast.wasm ('fast', the
   *  process-wide default unless UE_KEYS_VARIANT says small) or build/usim.wasm ('small'). */
  constructor(fw?: UsimModuleInstance | VariantOptions) {
    this.fw = fw instanceof Firmware ? fw : instantiateSync(variantFile('usim', variantOf(fw)));
  }

  /** Run `fn` with a fresh mailbox and wipe both mailboxes afterwards, whatever happens. */
  private session<T>(fn: () => T): T {
    this.fw.begin();
    try { return fn(); } finally { this.fw.exports.usim_clear(); }
  }

  private persist(): Uint8Array {
    return new Uint8Array(this.fw.raw.memory.buffer, this.c.PERSIST_PTR, this.c.PERSIST_LEN);
  }

  /** MILENAGE f1..f5* and OPc (TS 35.206) for the CLI; give exactly one of `op` and `opc`. */
  milenage(a: { k: Uint8Array; op?: Uint8Array; opc?: Uint8Array; rand: Uint8Array; sqn: Uint8Array; amf: Uint8Array }): AkaOutputs {
    const k = bytes('k', a.k, 16), rand = bytes('rand', a.rand, 16), sqn = bytes('sqn', a.sqn, 6), amf = bytes('amf', a.amf, 2);
    if ((a.op === undefined) === (a.opc === undefined)) throw new InputError('op/opc', 'exactly one of op and opc must be given');
    const opIn = a.op !== undefined ? bytes('op', a.op, 16) : bytes('opc', a.opc, 16);
    const { c, fw } = this;
    return this.session(() => {
      const kOff = fw.put(k), opOff = fw.put(opIn), randOff = fw.put(rand), sqnOff = fw.put(sqn), amfOff = fw.put(amf);
      let opc: Uint8Array = opIn.slice();
      if (a.op !== undefined) { fw.exports.milenage_opc(kOff, opOff); opc = fw.take(c.OUT_OPC_OFF, 16); fw.putAt(opOff, opc); }
      fw.exports.milenage_f1(kOff, opOff, randOff, sqnOff, amfOff);
      const macA = fw.take(c.OUT_MAC_A_OFF, 8), macS = fw.take(c.OUT_MAC_S_OFF, 8);
      fw.exports.milenage_f2345(kOff, opOff, randOff);
      return { opc, macA, macS, res: fw.take(c.OUT_RES_OFF, 8), ck: fw.take(c.OUT_CK_OFF, 16), ik: fw.take(c.OUT_IK_OFF, 16),
        ak: fw.take(c.OUT_AK_OFF, 6), akStar: fw.take(c.OUT_AK_STAR_OFF, 6) };
    });
  }

  /** TUAK f1..f5* and TOPc (TS 35.231) for the CLI; give exactly one of `top` and `topc`. */
  tuak(a: { k: Uint8Array; top?: Uint8Array; topc?: Uint8Array; rand: Uint8Array; sqn: Uint8Array; amf: Uint8Array } & TuakParams): AkaOutputs {
    const k = bytes('k', a.k, 16, 32), rand = bytes('rand', a.rand, 16), sqn = bytes('sqn', a.sqn, 6), amf = bytes('amf', a.amf, 2);
    if ((a.top === undefined) === (a.topc === undefined)) throw new InputError('top/topc', 'exactly one of top and topc must be given');
    const topIn = a.top !== undefined ? bytes('top', a.top, 32) : bytes('topc', a.topc, 32);
    const params = tuakParamsWord(a);
    const mac = (params >>> 8) & 0xff, res = (params >>> 16) & 0xff, ck = ((params >>> 24) & 0xf) * 16, ik = (params >>> 28) * 16;
    const { c, fw } = this;
    return this.session(() => {
      const kOff = fw.put(k), topOff = fw.put(topIn), randOff = fw.put(rand), sqnOff = fw.put(sqn), amfOff = fw.put(amf);
      let topc: Uint8Array = topIn.slice();
      if (a.top !== undefined) { fw.exports.tuak_topc(kOff, k.length, topOff, params & 0xff); topc = fw.take(c.OUT_OPC_OFF, 32); fw.putAt(topOff, topc); }
      fw.exports.tuak_f1(kOff, k.length, topOff, randOff, sqnOff, amfOff, params);
      const macA = fw.take(c.OUT_MAC_A_OFF, mac), macS = fw.take(c.OUT_MAC_S_OFF, mac);
      fw.exports.tuak_f2345(kOff, k.length, topOff, randOff, params);
      return { opc: topc, macA, macS, res: fw.take(c.OUT_RES_OFF, res), ck: fw.take(c.OUT_CK_OFF, ck), ik: fw.take(c.OUT_IK_OFF, ik),
        ak: fw.take(c.OUT_AK_OFF, 6), akStar: fw.take(c.OUT_AK_STAR_OFF, 6) };
    });
  }

  /** True once K and OPc/TOPc are written (PERSIST PERSONALISED byte). */
  get personalised(): boolean { return this.persist()[NVM.PERSONALISED] === 1; }

  /**
   * Write K and OPc/TOPc (or derive them from OP/TOP) once. A personalised card refuses (StateError)
   * until factoryReset(). The SQN parameters start at IND = 5 bits, Δ = 2^28, no age limit.
   */
  personalise(a: { algorithm: UsimAlgorithm; k: Uint8Array; op?: Uint8Array; opc?: Uint8Array; tuak?: TuakParams }): void {
    const tuak = a.algorithm === 'tuak';
    if (!tuak && a.algorithm !== 'milenage') throw new InputError('algorithm', `must be milenage or tuak, got ${String(a.algorithm)}`, a.algorithm);
    const k = tuak ? bytes('k', a.k, 16, 32) : bytes('k', a.k, 16);
    if ((a.op === undefined) === (a.opc === undefined)) throw new InputError('op/opc', 'exactly one of op and opc must be given');
    const opLen = tuak ? 32 : 16;
    const opIn = a.op !== undefined ? bytes(tuak ? 'top' : 'op', a.op, opLen) : bytes(tuak ? 'topc' : 'opc', a.opc, opLen);
    if (!tuak && a.tuak !== undefined) throw new InputError('tuak', 'parameters apply to the tuak algorithm only', a.tuak);
    const params = tuak ? tuakParamsWord(a.tuak) : 0;
    this.session(() => {
      const kOff = this.fw.put(k), opOff = this.fw.put(opIn);
      this.fw.exports.usim_personalise(tuak ? 1 : 0, kOff, k.length, opOff, a.op !== undefined ? 1 : 0, params);
    });
  }

  /**
   * Sequence number parameters (TS 33.102 Annex C): IND length in bits (0..5), Δ (C.2.1) and the
   * age limit L (C.2.2, 0 = not applied). The IND length can change only before any SQN is accepted.
   */
  configureSqn(a: { indBits: number; delta: bigint | number; ageLimit?: bigint | number }): void {
    const ind = intIn('indBits', a.indBits, 0, 5);
    const delta = BigInt(a.delta), age = BigInt(a.ageLimit ?? 0);
    if (delta < 1n || delta >= 1n << 48n) throw new InputError('delta', `must be 1 – 2^48−1, got ${delta}`, a.delta);
    if (age < 0n || age >= 1n << 48n) throw new InputError('ageLimit', `must be 0 – 2^48−1, got ${age}`, a.ageLimit);
    const lo = (v: bigint) => Number(v & 0xffffffffn), hi = (v: bigint) => Number(v >> 32n);
    this.fw.exports.usim_configure_sqn(ind, lo(delta), hi(delta), lo(age), hi(age));
  }

  /**
   * AUTHENTICATE (TS 33.102 6.3.3): verify MAC-A, check SQN freshness, return RES/CK/IK, or AUTS on
   * a synchronisation failure, or a MAC failure. A failure changes no stored SQN.
   */
  authenticate(rand: Uint8Array, autn: Uint8Array): AuthResult {
    bytes('rand', rand, 16);
    const mac = this.persist()[NVM.MAC_LEN];
    bytes('autn', autn, ...(mac ? [8 + mac] : [16, 24, 40]));
    const { c, fw } = this;
    return this.session(() => {
      const randOff = fw.put(rand), autnOff = fw.put(autn);
      const st = fw.unchecked.usim_authenticate(randOff, autnOff, autn.length);
      if (st === STATUS.ERR_MAC) return { kind: 'mac-failure' as const };
      if (st === STATUS.ERR_SYNC) {
        const n = fw.take(c.OUT_AUTS_LEN_OFF, 1)[0];
        return { kind: 'sync-failure' as const, auts: fw.take(c.OUT_AUTS_OFF, n) };
      }
      checkStatus(st, 'usim_authenticate');
      const [resLen, ckLen, ikLen] = [fw.take(c.OUT_RES_LEN_OFF, 1)[0], fw.take(c.OUT_CK_LEN_OFF, 1)[0], fw.take(c.OUT_IK_LEN_OFF, 1)[0]];
      return { kind: 'ok' as const, res: fw.take(c.OUT_RES_OFF, resLen), ck: fw.take(c.OUT_CK_OFF, ckLen), ik: fw.take(c.OUT_IK_OFF, ikLen) };
    });
  }

  /** The card's NVM image (PERSIST, 384 bytes; layout in assembly/usim/memory.ts). Contains K. */
  saveState(): Uint8Array { return this.persist().slice(); }

  /**
   * Load an NVM image into a blank card (a power cycle). The firmware validates the image again
   * (FormatError for an inconsistent one) and refuses a personalised card (StateError).
   */
  restoreState(image: Uint8Array): void {
    bytes('state', image, this.c.PERSIST_LEN);
    const format = image[NVM.FORMAT], flag = image[NVM.PERSONALISED];
    if (format > 1) throw new InputError('state', `has unknown format ${format} (expected 0 blank or 1)`, format);
    if (format === 1 && flag !== 1) throw new InputError('state', `has format 1 but personalised flag ${flag}`, flag);
    this.session(() => {
      const off = this.fw.put(image);
      this.fw.exports.usim_restore(off, image.length);
    });
  }

  /** Wipe the card: PERSIST, scratch and mailboxes (the "explicit reset" before re-personalising). */
  factoryReset(): void { this.fw.exports.usim_factory_reset(); }

  /** Non-secret SQN state parsed from the NVM image (for `usim show` and tests). */
  sqnState(): SqnState {
    const p = this.persist();
    const dv = new DataView(p.buffer, p.byteOffset, p.byteLength);
    const indBits = p[NVM.IND_BITS];
    const u64 = (off: number) => dv.getBigUint64(off, true);
    const seqMs: bigint[] = [];
    for (let i = 0; i < 1 << indBits; i++) seqMs.push(u64(NVM.SEQ_MS + 8 * i));
    return { indBits, delta: u64(NVM.DELTA), ageLimit: u64(NVM.AGE_LIMIT), sqnMs: u64(NVM.SQN_MS), seqMs };
  }
}

