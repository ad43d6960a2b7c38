/* QEMU TCG plugin: exact executed-instruction counts between two marker functions, plus the
 * instruction mix that the Cortex-M4 cycle model needs (loads, stores, multi-register transfers,
 * taken branches, multiply-accumulate, divides).
 *
 * Debian 12's QEMU 7.2 accepts -plugin but ships no qemu-plugin.h, so the few v1 plugin API
 * entry points used here are declared below (include/qemu/qemu-plugin.h of QEMU 7.2, API
 * version 1). Built with the host gcc as a shared object:
 *   gcc -shared -fPIC -O2 -o counter.so counter.c
 * Run:
 *   qemu-system-arm ... -plugin counter.so,on=0xADDR,off=0xADDR
 * where on/off are the addresses of marker_on/marker_off (Thumb bit cleared). Counting starts with
 * the first instruction of marker_on and stops before the first instruction of marker_off, so one
 * region holds marker_on's return, the argument set-up, the call and the export itself (an empty
 * region counts 1). At every marker_off the region's figures go to QEMU's log (stderr) as
 *   region <n> insns <n> loads <n> stores <n> multi <n> taken <n> cmin <n> cmax <n>
 *
 * Cycle model (Cortex-M4 TRM, ARM DDI 0439, table 3-1 "Cortex-M4 instruction set summary", zero
 * wait states): most instructions 1 cycle; single loads 2 (1 when pipelined behind another single
 * load/store: minimum only); single stores 1-2; LDRD/STRD 3; LDM/STM/PUSH/POP 1+N; MLA/MLS 2;
 * SDIV/UDIV 2-12; TBB/TBH 2; every taken branch (any change of flow: B, BL, BX, POP {pc}, LDR pc)
 * adds a pipeline refill P of 1-3 cycles. A model, not a measurement: QEMU does not model timing.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- QEMU 7.2 plugin API v1 (declarations only; the symbols are resolved in the QEMU binary) */
typedef uint64_t qemu_plugin_id_t;
typedef struct qemu_info_t qemu_info_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_CB_R_REGS, QEMU_PLUGIN_CB_RW_REGS };
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, void (*cb)(qemu_plugin_id_t, struct qemu_plugin_tb *));
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
const void *qemu_plugin_insn_data(const struct qemu_plugin_insn *insn);
size_t qemu_plugin_insn_size(const struct qemu_plugin_insn *insn);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn, void (*cb)(unsigned int, void *), enum qemu_plugin_cb_flags flags, void *userdata);
void qemu_plugin_outs(const char *string);
__attribute__((visibility("default"))) int qemu_plugin_version = 1;

/* ---- instruction classes */
enum { K_OTHER, K_LOAD, K_STORE, K_DUAL, K_MULTI, K_MLA, K_DIV, K_TB, K_BRANCH };

struct insn {
  uint32_t vaddr, size;
  uint8_t kind, nregs;
};

static uint64_t on_addr = ~0ull, off_addr = ~0ull;
static int counting;
static uint64_t insns, loads, stores, multi, taken, cmin, cmax, regions;
static uint32_t next_pc;
static int prev_single; /* previous counted instruction was a single load/store (pipelining) */

static int popcount16(uint32_t x) { return __builtin_popcount(x & 0xffff); }

/* Classify one Thumb / Thumb-2 instruction (ARMv7-M encodings, ARM DDI 0403 A5). */
static void classify(struct insn *in, const uint8_t *b, size_t size) {
  uint32_t hw = b[0] | b[1] << 8;
  in->kind = K_OTHER; in->nregs = 0;
  if (size == 2) {
    if ((hw >> 11) == 0x09) in->kind = K_LOAD;                                 /* LDR literal */
    else if ((hw >> 12) == 0x5) in->kind = ((hw >> 9) & 7) >= 3 ? K_LOAD : K_STORE; /* reg offset */
    else if ((hw >> 13) == 0x3 || (hw >> 12) == 0x8 || (hw >> 12) == 0x9)
      in->kind = (hw >> 11) & 1 ? K_LOAD : K_STORE;                            /* imm / SP-relative */
    else if ((hw & 0xFE00) == 0xB400 || (hw & 0xFE00) == 0xBC00) { in->kind = K_MULTI; in->nregs = popcount16(hw & 0xff) + ((hw >> 8) & 1); }
    else if ((hw >> 12) == 0xC) { in->kind = K_MULTI; in->nregs = popcount16(hw & 0xff); } /* LDM/STM */
    else if ((hw >> 12) == 0xD || (hw >> 11) == 0x1C || (hw & 0xF500) == 0xB100 || (hw & 0xFF00) == 0x4700) in->kind = K_BRANCH;
    return;
  }
  uint32_t hw2 = b[2] | b[3] << 8;
  if ((hw & 0xFE40) == 0xE800) { in->kind = K_MULTI; in->nregs = popcount16(hw2); }     /* LDM/STM.W, PUSH/POP.W */
  else if ((hw & 0xFE40) == 0xE840) {
    if ((hw & 0xFFF0) == 0xE8D0 && (hw2 & 0xFFE0) == 0xF000) in->kind = K_TB;       /* TBB/TBH */
    else if (((hw >> 7) & 3) == 0 && ((hw >> 4) & 2) == 0) in->kind = (hw >> 4) & 1 ? K_LOAD : K_STORE; /* exclusive */
    else in->kind = K_DUAL;                                                         /* LDRD/STRD */
  }
  else if ((hw & 0xFE00) == 0xF800) in->kind = (hw >> 4) & 1 ? K_LOAD : K_STORE;     /* single, .W */
  else if ((hw & 0xFF80) == 0xFB00) { uint32_t op1 = (hw >> 4) & 7; in->kind = (op1 == 0 && (hw2 >> 12) != 0xF) ? K_MLA : K_OTHER; }
  else if ((hw & 0xFF80) == 0xFB80) { uint32_t op1 = (hw >> 4) & 7; in->kind = (op1 == 1 || op1 == 3) ? K_DIV : K_OTHER; }
  else if ((hw & 0xF800) == 0xF000 && (hw2 & 0x8000)) in->kind = K_BRANCH;          /* B.W, Bcc.W, BL */
}

static void report(void) {
  char line[256];
  snprintf(line, sizeof line, "region %" PRIu64 " insns %" PRIu64 " loads %" PRIu64 " stores %" PRIu64 " multi %" PRIu64
           " taken %" PRIu64 " cmin %" PRIu64 " cmax %" PRIu64 "\n", regions, insns, loads, stores, multi, taken, cmin, cmax);
  qemu_plugin_outs(line);
  regions++;
}

static void exec_cb(unsigned int vcpu, void *ud) {
  (void)vcpu;
  const struct insn *in = ud;
  if (in->vaddr == on_addr) { counting = 1; insns = loads = stores = multi = taken = cmin = cmax = 0; prev_single = 0; next_pc = in->vaddr; }
  else if (in->vaddr == off_addr && counting) {
    if (in->vaddr != next_pc) { taken++; cmin += 1; cmax += 3; }
    counting = 0; report(); return;
  }
  if (!counting) return;
  if (in->vaddr != next_pc) { taken++; cmin += 1; cmax += 3; } /* the previous instruction changed the flow */
  next_pc = in->vaddr + in->size;
  insns++;
  int single = 0;
  switch (in->kind) {
  case K_LOAD: loads++; cmin += prev_single ? 1 : 2; cmax += 2; single = 1; break;
  case K_STORE: stores++; cmin += 1; cmax += 2; single = 1; break;
  case K_DUAL: cmin += 3; cmax += 3; break;
  case K_MULTI: multi++; cmin += 1 + in->nregs; cmax += 1 + in->nregs; break;
  case K_MLA: cmin += 2; cmax += 2; break;
  case K_DIV: cmin += 2; cmax += 12; break;
  case K_TB: cmin += 2; cmax += 2; break;
  default: cmin += 1; cmax += 1; break;
  }
  prev_single = single;
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb) {
  (void)id;
  size_t n = qemu_plugin_tb_n_insns(tb);
  for (size_t i = 0; i < n; i++) {
    struct qemu_plugin_insn *qi = qemu_plugin_tb_get_insn(tb, i);
    /* One record per translation; translations are few (the code is small), so they are kept. */
    struct insn *in = calloc(1, sizeof *in);
    if (!in) abort();
    in->vaddr = (uint32_t)qemu_plugin_insn_vaddr(qi);
    in->size = (uint32_t)qemu_plugin_insn_size(qi);
    uint8_t bytes[4] = { 0 };
    memcpy(bytes, qemu_plugin_insn_data(qi), in->size < 4 ? in->size : 4);
    classify(in, bytes, in->size);
    qemu_plugin_register_vcpu_insn_exec_cb(qi, exec_cb, QEMU_PLUGIN_CB_NO_REGS, in);
  }
}

__attribute__((visibility("default"))) int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv) {
  (void)info;
  for (int i = 0; i < argc; i++) {
    if (strncmp(argv[i], "on=", 3) == 0) on_addr = strtoull(argv[i] + 3, NULL, 0) & ~1ull;
    else if (strncmp(argv[i], "off=", 4) == 0) off_addr = strtoull(argv[i] + 4, NULL, 0) & ~1ull;
    else { fprintf(stderr, "counter: unknown argument %s\n", argv[i]); return -1; }
  }
  if (on_addr == ~0ull || off_addr == ~0ull) { fprintf(stderr, "counter: needs on=ADDR,off=ADDR\n"); return -1; }
  qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
  return 0;
}
