/* Minimal wasm2c runtime (wabt 1.0.32 ABI, wasm-rt.h) for bare metal and for callgrind: it replaces
 * Debian's wasm-rt-impl.c, which does not build against newlib (sys/mman.h) and reserves 8 GiB of
 * address space per memory on 64-bit hosts. The firmware modules have one 64 KiB page, initial =
 * maximum, and no tables that grow, so every memory is a static 64 KiB array (the `mask` bounds-check
 * variant indexes it with `addr & 0xffff`, which always stays inside the page). Not aligned to 64 KiB:
 * valgrind 3.19 ignores the symbols of an executable with a 64 KiB-aligned segment.
 *
 * A trap (unreachable, out-of-bounds with the stock checks, call-depth exhaustion) ends the program
 * through harness_trap(): the profile harness reports it and the operation is not counted.
 */
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "wasm-rt.h"

void harness_trap(int code) __attribute__((noreturn));

#define MEMORIES 2 /* ue + usim, one instance of each at a time */
static uint8_t pages[MEMORIES][65536] __attribute__((aligned(8)));
static wasm_rt_memory_t *owner[MEMORIES];

#if WASM_RT_USE_STACK_DEPTH_COUNT
uint32_t wasm_rt_call_stack_depth;
#endif

static int initialized;
void wasm_rt_init(void) { initialized = 1; }
bool wasm_rt_is_initialized(void) { return initialized; }
void wasm_rt_free(void) { initialized = 0; }

void wasm_rt_trap(wasm_rt_trap_t code) { harness_trap((int)code); }

const char *wasm_rt_strerror(wasm_rt_trap_t trap) { (void)trap; return "trap"; }

/* Function types are compared by index only (call_indirect); signatures are kept in a small table. */
#define TYPES 64
#define TYPE_MAX_VALUES 20
static struct { uint32_t params, results; uint8_t v[TYPE_MAX_VALUES]; } types[TYPES];
static uint32_t ntypes;

uint32_t wasm_rt_register_func_type(uint32_t params, uint32_t results, ...) {
  uint8_t v[TYPE_MAX_VALUES] = { 0 };
  va_list ap;
  va_start(ap, results);
  for (uint32_t i = 0; i < params + results; i++) {
    int t = va_arg(ap, int);
    if (i < TYPE_MAX_VALUES) v[i] = (uint8_t)t;
  }
  va_end(ap);
  if (params + results > TYPE_MAX_VALUES) harness_trap(100);
  for (uint32_t i = 0; i < ntypes; i++)
    if (types[i].params == params && types[i].results == results && memcmp(types[i].v, v, sizeof v) == 0) return i;
  if (ntypes == TYPES) harness_trap(101);
  types[ntypes].params = params; types[ntypes].results = results;
  memcpy(types[ntypes].v, v, sizeof v);
  return ntypes++;
}

void wasm_rt_allocate_memory(wasm_rt_memory_t *memory, uint32_t initial_pages, uint32_t max_pages) {
  if (initial_pages != 1 || max_pages != 1) harness_trap(102); /* the firmware's fixed page */
  for (int i = 0; i < MEMORIES; i++) {
    if (!owner[i]) {
      owner[i] = memory;
      memset(pages[i], 0, sizeof pages[i]);
      memory->data = pages[i];
      memory->pages = 1; memory->max_pages = 1; memory->size = 65536;
      return;
    }
  }
  harness_trap(103);
}

void wasm_rt_free_memory(wasm_rt_memory_t *memory) {
  for (int i = 0; i < MEMORIES; i++) if (owner[i] == memory) owner[i] = 0;
  memory->data = 0; memory->size = 0;
}

uint32_t wasm_rt_grow_memory(wasm_rt_memory_t *memory, uint32_t delta) {
  (void)memory;
  return delta == 0 ? 1 : (uint32_t)-1; /* maximum = initial: memory.grow always fails */
}
