/* Shared by harness.c, the generated ops.c and the platform files (startup-m.c, posix.c). */
#ifndef UE_KEYS_ARM_HARNESS_H
#define UE_KEYS_ARM_HARNESS_H
#include <stddef.h>
#include <stdint.h>

struct arm_write { uint32_t addr, len; const uint8_t *bytes; };
struct arm_step {
  uint32_t nwrites;
  const struct arm_write *writes;
  uint32_t (*call)(void *instance); /* the export call between marker_on() and marker_off() */
  uint32_t status;                  /* what V8 returned */
};
struct arm_op { uint32_t module; /* 0 = ue, 1 = usim */ uint32_t nsteps; const struct arm_step *steps; uint64_t hash; };

extern const struct arm_op ARM_OPS[];
extern const unsigned ARM_NOPS;

void marker_on(void);
void marker_off(void);
void harness_write(const char *s, size_t n);
void harness_exit(int code) __attribute__((noreturn));
void harness_trap(int code) __attribute__((noreturn));
#endif
