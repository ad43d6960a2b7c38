/* Native test of the firmware modules: build/ue.wasm and build/usim.wasm translated by wasm2c,
 * driven through the documented ABI only (build/ue_keys.h): inputs written at IO_IN + off in the
 * instance memory, one export called, the status compared, bytes read at IO_OUT + off.
 *
 * Input: an ABI script on stdin, generated from the official vectors by host/tools/native/run.mjs
 * (host/tools/native/cases.mjs):
 *   case <module> <name...>     start a case on a fresh instance of <module> (ue | usim)
 *   in <off> <hex>              write bytes at IO_IN + off
 *   call <export> <u32 args...> call the export (the header's X-macro list gives every export)
 *   status <n>                  the last call returned n
 *   out <off> <bits> <hex>      IO_OUT + off holds hex (only the first `bits` bits if bits >= 0)
 *   end                         finish the case: prints "ok <name>" or "FAIL <name>: why"
 * Last line: "N passed, N failed". Exit status 0 only when nothing failed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasm-rt.h"
#include "wasm-rt-impl.h"
#include "ue.h"
#include "usim.h"
#include "ue_keys.h"

/* One type-correct wrapper per export, generated from the header's X-macro lists: new exports are
 * picked up by regenerating the header (npm run build) — nothing to edit here. */
#define ARGS_0
#define ARGS_1 , a[0]
#define ARGS_2 ARGS_1, a[1]
#define ARGS_3 ARGS_2, a[2]
#define ARGS_4 ARGS_3, a[3]
#define ARGS_5 ARGS_4, a[4]
#define ARGS_6 ARGS_5, a[5]
#define ARGS_7 ARGS_6, a[6]
#define ARGS_8 ARGS_7, a[7]
#define ARGS_9 ARGS_8, a[8]
#define ARGS_10 ARGS_9, a[9]
#define ARGS_11 ARGS_10, a[10]
#define ARGS_12 ARGS_11, a[11]
#define ARGS_13 ARGS_12, a[12]
#define MAX_ARGS 13

#define WRAP(mod, name, n) \
  static uint32_t call_##mod##_##name(void *inst, const uint32_t *a) { \
    (void)a; return UE_KEYS_FN(mod, name)((UE_KEYS_INSTANCE(mod) *)inst ARGS_##n); }
UE_KEYS_EXPORTS(WRAP)
USIM_KEYS_EXPORTS(WRAP)

struct export_entry { const char *module; const char *name; int nparams; uint32_t (*call)(void *, const uint32_t *); };
#define ENTRY(mod, name, n) { #mod, #name, n, call_##mod##_##name },
static const struct export_entry EXPORTS[] = { UE_KEYS_EXPORTS(ENTRY) USIM_KEYS_EXPORTS(ENTRY) };

/* Module instances and their documented mailboxes. */
static UE_KEYS_INSTANCE(ue) ue_inst;
static UE_KEYS_INSTANCE(usim) usim_inst;

struct module_view { const char *name; void *inst; uint8_t *mem; uint32_t in_ptr, in_len, out_ptr, out_len; };

static int open_module(const char *name, struct module_view *m) {
  memset(m, 0, sizeof *m);
  if (strcmp(name, "ue") == 0) {
    m->name = "ue";
    UE_KEYS_INSTANTIATE(ue, &ue_inst);
    m->inst = &ue_inst;
    m->mem = UE_KEYS_MEMORY(ue, &ue_inst)->data;
    m->in_ptr = UE_IO_IN_PTR; m->in_len = UE_IO_IN_LEN; m->out_ptr = UE_IO_OUT_PTR; m->out_len = UE_IO_OUT_LEN;
    return 1;
  }
  if (strcmp(name, "usim") == 0) {
    m->name = "usim";
    UE_KEYS_INSTANTIATE(usim, &usim_inst);
    m->inst = &usim_inst;
    m->mem = UE_KEYS_MEMORY(usim, &usim_inst)->data;
    m->in_ptr = USIM_IO_IN_PTR; m->in_len = USIM_IO_IN_LEN; m->out_ptr = USIM_IO_OUT_PTR; m->out_len = USIM_IO_OUT_LEN;
    return 1;
  }
  return 0;
}

static void close_module(struct module_view *m) {
  if (!m->inst) return;
  if (m->inst == (void *)&ue_inst) UE_KEYS_FREE(ue, &ue_inst);
  else UE_KEYS_FREE(usim, &usim_inst);
  m->inst = NULL;
}

static int hexval(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Parse hex into buf (at most cap bytes); returns the byte count or -1. */
static long parse_hex(const char *s, uint8_t *buf, size_t cap) {
  size_t n = 0;
  while (s[0] && s[0] != '\n' && s[0] != '\r') {
    int hi = hexval(s[0]), lo = s[1] ? hexval(s[1]) : -1;
    if (hi < 0 || lo < 0 || n >= cap) return -1;
    buf[n++] = (uint8_t)(hi << 4 | lo);
    s += 2;
  }
  return (long)n;
}

static uint8_t hexbuf[65536];

/* Call an export; a trap (unreachable, out-of-bounds access, stack exhaustion) comes back as its
 * code instead of ending the program. */
static wasm_rt_trap_t try_call(const struct export_entry *e, void *inst, const uint32_t *a, uint32_t *status) {
  wasm_rt_trap_t trap = (wasm_rt_trap_t)wasm_rt_impl_try();
  if (trap != WASM_RT_TRAP_NONE) return trap;
  *status = e->call(inst, a);
  return WASM_RT_TRAP_NONE;
}

int main(void) {
  wasm_rt_init();
  char *line = NULL;
  size_t cap = 0;
  unsigned passed = 0, failed = 0;
  struct module_view m = { 0 };
  char name[512] = "", why[512] = "";
  int in_case = 0, bad = 0;
  uint32_t last_status = 0;
  const char *last_call = "";

  while (getline(&line, &cap, stdin) > 0) {
    char *nl = strchr(line, '\n');
    if (nl) *nl = 0;
    if (line[0] == 0 || line[0] == '#') continue;

    if (strncmp(line, "case ", 5) == 0) {
      char mod[32];
      int used = 0;
      if (sscanf(line + 5, "%31s %n", mod, &used) < 1) { fprintf(stderr, "bad line: %s\n", line); return 2; }
      snprintf(name, sizeof name, "%s", line + 5 + used);
      in_case = 1; bad = 0; why[0] = 0;
      if (!open_module(mod, &m)) { bad = 1; snprintf(why, sizeof why, "unknown module %s", mod); }
      continue;
    }
    if (!in_case) { fprintf(stderr, "line outside a case: %s\n", line); return 2; }

    if (strcmp(line, "end") == 0) {
      if (bad) { failed++; printf("FAIL %s: %s\n", name, why); }
      else { passed++; printf("ok   %s\n", name); }
      close_module(&m);
      in_case = 0;
      continue;
    }
    if (bad) continue; /* first failure of a case is the one reported */

    if (strncmp(line, "in ", 3) == 0) {
      unsigned long off; int used = 0;
      sscanf(line + 3, "%lu %n", &off, &used);
      long n = parse_hex(line + 3 + used, hexbuf, sizeof hexbuf);
      if (n < 0 || off + (unsigned long)n > m.in_len) { bad = 1; snprintf(why, sizeof why, "input at IO_IN+%lu does not fit IO_IN (%u bytes)", off, m.in_len); continue; }
      memcpy(m.mem + m.in_ptr + off, hexbuf, (size_t)n);
    } else if (strncmp(line, "call ", 5) == 0) {
      char fn[128]; int used = 0;
      sscanf(line + 5, "%127s %n", fn, &used);
      uint32_t a[MAX_ARGS]; int na = 0;
      char *p = line + 5 + used, *end;
      while (*p) {
        unsigned long v = strtoul(p, &end, 10);
        if (end == p) break;
        if (na == MAX_ARGS) { bad = 1; break; }
        a[na++] = (uint32_t)v; p = end;
      }
      const struct export_entry *e = NULL;
      for (size_t i = 0; i < sizeof EXPORTS / sizeof EXPORTS[0]; i++)
        if (strcmp(EXPORTS[i].module, m.name) == 0 && strcmp(EXPORTS[i].name, fn) == 0) e = &EXPORTS[i];
      if (!e) { bad = 1; snprintf(why, sizeof why, "%s has no export %s (header out of date?)", m.name, fn); continue; }
      if (e->nparams != na) { bad = 1; snprintf(why, sizeof why, "%s takes %d arguments, script gives %d", fn, e->nparams, na); continue; }
      last_call = e->name;
      wasm_rt_trap_t trap = try_call(e, m.inst, a, &last_status);
      if (trap != WASM_RT_TRAP_NONE) { bad = 1; snprintf(why, sizeof why, "%s trapped: %s", fn, wasm_rt_strerror(trap)); continue; }
    } else if (strncmp(line, "status ", 7) == 0) {
      uint32_t want = (uint32_t)strtoul(line + 7, NULL, 10);
      if (last_status != want) { bad = 1; snprintf(why, sizeof why, "%s returned status %u, expected %u", last_call, last_status, want); }
    } else if (strncmp(line, "out ", 4) == 0) {
      unsigned long off; long bits; int used = 0;
      sscanf(line + 4, "%lu %ld %n", &off, &bits, &used);
      long n = parse_hex(line + 4 + used, hexbuf, sizeof hexbuf);
      if (n < 0 || off + (unsigned long)n > m.out_len) { bad = 1; snprintf(why, sizeof why, "output at IO_OUT+%lu does not fit IO_OUT", off); continue; }
      long nb = bits >= 0 ? (bits + 7) / 8 : n;
      const uint8_t *got = m.mem + m.out_ptr + off;
      for (long i = 0; i < nb && i < n; i++) {
        uint8_t mask = 0xff;
        if (bits >= 0 && i == nb - 1 && bits % 8) mask = (uint8_t)(0xff << (8 - bits % 8));
        if ((got[i] & mask) != (hexbuf[i] & mask)) {
          bad = 1;
          int w = snprintf(why, sizeof why, "%s: IO_OUT+%lu byte %ld is %02x, expected %02x; got ", last_call, off, i, got[i], hexbuf[i]);
          for (long j = 0; j < nb && j < 32 && w < (int)sizeof why - 3; j++) w += snprintf(why + w, sizeof why - (size_t)w, "%02x", got[j]);
          break;
        }
      }
    } else {
      fprintf(stderr, "bad line: %s\n", line);
      return 2;
    }
  }
  free(line);
  wasm_rt_free();
  printf("%u passed, %u failed\n", passed, failed);
  return failed ? 1 : 0;
}
