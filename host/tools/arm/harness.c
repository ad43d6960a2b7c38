/* The profile harness: runs the operations of `ue-keys profile` on the wasm2c translation of the
 * firmware modules, through the documented ABI of build/ue_keys.h (the same X-macro view the native
 * test harness, host/tools/native/ue_keys_test.c, uses), on a Cortex-M board under QEMU, Cortex-A7
 * user mode, or x86-64 under callgrind.
 *
 * ops.c (generated per run by host/inspect/arm-profile.ts from a V8 run of the same operations)
 * gives, per operation, its steps: the bytes the host wrote into the module memory before each export
 * call, the call itself (one function per step with marker_on()/marker_off() right around the export
 * call: the counted region) and the status V8 returned; and the FNV-1a-64 hash of the whole 64 KiB
 * memory after the last step under V8. This program replays them on a fresh instance per operation
 * and prints one line per operation:
 *   op <index> ok|FAIL <what> <status of each step ...> hash <16 hex digits>
 * so a count is only ever reported for an operation whose every status and every memory byte equal
 * V8's. Output and exit go through harness_write()/harness_exit() (semihosting on bare metal, POSIX
 * elsewhere: startup-m.c, posix.c).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "wasm-rt.h"
#include "ue.h"
#include "usim.h"
#include "ue_keys.h"
#include "harness.h"

UE_KEYS_INSTANCE(ue) ue_inst;
UE_KEYS_INSTANCE(usim) usim_inst;

/* The counted region's bounds: never inlined, never merged, so the counter sees their first
 * instruction (QEMU plugin on=/off= addresses, callgrind --zero-before/--dump-before). */
__attribute__((noinline, noipa, used)) void marker_on(void) { __asm__ volatile("" ::: "memory"); }
__attribute__((noinline, noipa, used)) void marker_off(void) { __asm__ volatile("" ::: "memory"); }

static void put(const char *s) { harness_write(s, strlen(s)); }
static void put_u32(uint32_t v) {
  char b[11]; int i = 10; b[10] = 0;
  do { b[--i] = (char)('0' + v % 10); v /= 10; } while (v);
  put(b + i);
}
static void put_hex64(uint64_t v) {
  char b[17];
  for (int i = 15; i >= 0; i--) { b[i] = "0123456789abcdef"[v & 15]; v >>= 4; }
  b[16] = 0;
  put(b);
}

static int current_op = -1;
void harness_trap(int code) {
  put("trap "); put_u32((uint32_t)code); put(" in op "); put_u32((uint32_t)current_op); put("\n");
  harness_exit(3);
}

/* FNV-1a, 64-bit (offset basis 0xcbf29ce484222325, prime 0x100000001b3). */
static uint64_t fnv1a64(const uint8_t *p, size_t n) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (size_t i = 0; i < n; i++) { h ^= p[i]; h *= 0x100000001b3ull; }
  return h;
}

int main(void) {
  wasm_rt_init();
  int failed = 0;
  for (unsigned o = 0; o < ARM_NOPS; o++) {
    const struct arm_op *op = &ARM_OPS[o];
    current_op = (int)o;
    void *inst; uint8_t *mem;
    if (op->module == 0) { UE_KEYS_INSTANTIATE(ue, &ue_inst); inst = &ue_inst; mem = UE_KEYS_MEMORY(ue, &ue_inst)->data; }
    else { UE_KEYS_INSTANTIATE(usim, &usim_inst); inst = &usim_inst; mem = UE_KEYS_MEMORY(usim, &usim_inst)->data; }
    int ok = 1;
    char what[24] = "";
    put("op "); put_u32(o);
    for (unsigned s = 0; s < op->nsteps; s++) {
      const struct arm_step *st = &op->steps[s];
      for (unsigned w = 0; w < st->nwrites; w++) memcpy(mem + st->writes[w].addr, st->writes[w].bytes, st->writes[w].len);
      uint32_t status = st->call(inst);
      if (status != st->status && ok) { ok = 0; strcpy(what, "status"); }
      put(s == 0 ? " steps " : ","); put_u32(status);
    }
    uint64_t h = fnv1a64(mem, 65536);
    if (h != op->hash && ok) { ok = 0; strcpy(what, "memory"); }
    put(" hash "); put_hex64(h);
    put(ok ? " ok\n" : " FAIL "); if (!ok) { put(what); put("\n"); failed++; }
    if (op->module == 0) UE_KEYS_FREE(ue, &ue_inst); else UE_KEYS_FREE(usim, &usim_inst);
  }
  wasm_rt_free();
  put(failed ? "done failed\n" : "done ok\n");
  harness_exit(failed ? 1 : 0);
  return 0;
}
