// The raw exports of the inter-system and handover procedures (assembly/me/abi/mobility.ts) at the
// edges of the value ranges their doc comments give: the 4 / 8 LSB of a DL NAS COUNT, the SRVCC
// variant 0–2 and an FC octet, the SRVCC outcome 0–2, an eKSI 0–6, a TAU Request of 3–1,024
// octets, KASME / NH / the 7-octet NAS transparent container ending at the mailbox's last octet.
// A refused call returns its status and changes no memory (README "ABI"); a value inside the range
// gets past the check (without a current context the procedure itself answers STATUS_ERR_STATE).
import { beforeEach, describe, expect, it } from 'vitest';
import { instantiateSync } from '../../host/firmware/loader.js';
import { SLOT, SLOT_OFF, CTX_TYPE } from '../../host/firmware/abi.generated.js';
import { ref } from '../../host/reference/kdf.js';
import { toHex } from '../helpers.js';

type Fw = ReturnType<typeof instantiateSync>;
let fw: Fw;
beforeEach(() => { fw = instantiateSync('ue'); });
const status = (name: string) => fw.constant(`STATUS_${name}`);
function refused(want: string, name: string, ...args: number[]): void {
  const before = fw.snapshot();
  expect(fw.tryCall(name, ...args), `${name}(${args})`).toBe(status(want));
  expect(Buffer.compare(Buffer.from(fw.snapshot()), Buffer.from(before)), `${name}(${args}) changed memory`).toBe(0);
}
const KASME = Uint8Array.from({ length: 32 }, (_, i) => 0x55 ^ (i * 3));

describe('value ranges of the mobility exports (no current context: an accepted value reaches STATUS_ERR_STATE)', () => {
  it('srvcc_ho_command: DL COUNT LSB 15, variant 2 (direct), FC 0xff pass the checks; 16, 3, 0x100 → STATUS_ERR_VALUE', () => {
    refused('ERR_STATE', 'srvcc_ho_command', 15, 2, 0xff);
    refused('ERR_VALUE', 'srvcc_ho_command', 16, 0, 0x7d);
    refused('ERR_VALUE', 'srvcc_ho_command', 0, 3, 0x7d);
    refused('ERR_VALUE', 'srvcc_ho_command', 0, 0, 0x100);
  });
  it('srvcc_outcome: 2 (the CS call ended) passes the check; 3 → STATUS_ERR_VALUE', () => {
    refused('ERR_STATE', 'srvcc_outcome', 2);
    refused('ERR_VALUE', 'srvcc_outcome', 3);
  });
  it('eps_map_ho: DL COUNT LSB 0xff passes the check; 0x100 → STATUS_ERR_VALUE', () => {
    refused('ERR_STATE', 'eps_map_ho', 0xff);
    refused('ERR_VALUE', 'eps_map_ho', 0x100);
  });
  it('eps_map_idle: a TAU Request of 3 or 1,024 octets passes the length check; 2 and 1,025 → STATUS_ERR_LENGTH', () => {
    fw.putAt(0, Uint8Array.from({ length: 1025 }, (_, i) => (i === 0 ? 0x07 : i === 1 ? 0x48 : i & 0xff)));
    refused('ERR_STATE', 'eps_map_idle', 0, 3);
    refused('ERR_STATE', 'eps_map_idle', 0, 1024);
    refused('ERR_LENGTH', 'eps_map_idle', 0, 2);
    refused('ERR_LENGTH', 'eps_map_idle', 0, 1025);
  });
});

describe('32-octet keys and the 7-octet NAS transparent container may end at the last octet of IO_IN', () => {
  const last = (n: number) => fw.inLen - n;
  it('eps_to_5g_idle: KASME in the last 32 octets, eKSI 6 → slot MAPPED = A.15.1 K′AMF, ngKSI 6 | TSC; eKSI 7 → STATUS_ERR_VALUE', () => {
    fw.putAt(last(32), KASME);
    refused('ERR_VALUE', 'eps_to_5g_idle', last(32), 7, 5);
    refused('ERR_RANGE', 'eps_to_5g_idle', last(31), 6, 5);
    expect(fw.tryCall('eps_to_5g_idle', last(32), 6, 5)).toBe(0);
    expect(fw.tryCall('ctx_read', SLOT.MAPPED)).toBe(0);
    const s = fw.take(0, 64);
    expect([s[SLOT_OFF.TYPE], s[SLOT_OFF.NGKSI]]).toEqual([CTX_TYPE.MAPPED, 6 | 8]);
    expect(toHex(s.subarray(SLOT_OFF.KAMF, SLOT_OFF.KAMF + 32))).toBe(toHex(ref.kamfFromKasmeIdle(KASME, 5)));
  });
  it('eps_to_5g_ho: KASME, NH and the container in the last octets get past the range check; one octet further → STATUS_ERR_RANGE', () => {
    fw.putAt(last(32), KASME);
    const st = fw.tryCall('eps_to_5g_ho', last(32), last(32), last(7));
    expect(st, 'an all-zero container is refused by the procedure, not by the range check').not.toBe(status('ERR_RANGE'));
    expect(st).not.toBe(0);
    refused('ERR_RANGE', 'eps_to_5g_ho', last(31), last(32), last(7));
    refused('ERR_RANGE', 'eps_to_5g_ho', last(32), last(31), last(7));
    refused('ERR_RANGE', 'eps_to_5g_ho', last(32), last(32), last(6));
  });
  it('n2_ho: the container in the last 7 octets gets past the range check (STATUS_ERR_STATE: no context); one octet further → STATUS_ERR_RANGE', () => {
    refused('ERR_STATE', 'n2_ho', last(7));
    refused('ERR_RANGE', 'n2_ho', last(6));
  });
});

describe('srvcc_ho_command: the DL NAS COUNT from its 4 LSB (TS 33.501 J.1); the estimate is the smallest COUNT above the last accepted one with those LSB (a modelling choice)', () => {
  const u32 = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset).getUint32(0, true);
  function withCurrent(dl: number): void {
    fw.putAt(0, KASME);
    expect(fw.tryCall('ctx_install', SLOT.CURRENT, 0, 2, 0x22, CTX_TYPE.FULL_NATIVE)).toBe(0);
    expect(fw.tryCall('ctx_set_counts', SLOT.CURRENT, 1, 0, dl, 1)).toBe(0);
  }
  it('last accepted DL COUNT 0x0f, LSB 1 → 0x11 (not 0x21: only 4 bits are carried); KASME_SRVCC = A.21(KAMF, 0x11) at [48..80)', () => {
    withCurrent(0x0f);
    expect(fw.tryCall('srvcc_ho_command', 1, 0, 0x7d)).toBe(0);
    expect(u32(fw.take(0, 4))).toBe(0x11);
    expect(toHex(fw.take(48, 32))).toBe(toHex(ref.kasmeSrvcc(KASME, 0x11)));
  });
  it('last accepted DL COUNT 0xffffff (the 24-bit maximum): no COUNT above it → STATUS_ERR_COUNT_WRAP, nothing changed', () => {
    withCurrent(0xffffff);
    refused('ERR_COUNT_WRAP', 'srvcc_ho_command', 0, 0, 0x7d);
  });
});
