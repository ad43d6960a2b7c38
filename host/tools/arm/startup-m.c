/* Start-up code for the Cortex-M boards of QEMU (mps2-an386: Cortex-M4, mps2-an505: Cortex-M33):
 * the vector table, a reset handler that copies .data and zeroes .bss (symbols from mps2.ld), and
 * output/exit through Arm semihosting (QEMU -semihosting-config enable=on,target=native), so no
 * UART driver and no newlib system calls are needed. Faults end the run with a failure.
 */
#include <stdint.h>
#include <string.h>
#include "harness.h"

extern uint32_t __data_load, __data_start, __data_end, __bss_start, __bss_end, __stack_top;
int main(void);

#define SYS_WRITE0 0x04
#define SYS_EXIT 0x18
#define ADP_Stopped_ApplicationExit 0x20026
#define ADP_Stopped_RunTimeErrorUnknown 0x20023

static int semihost(int op, const void *arg) {
  register int r0 __asm__("r0") = op;
  register const void *r1 __asm__("r1") = arg;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

void harness_write(const char *s, size_t n) {
  char buf[129];
  while (n) {
    size_t k = n < 128 ? n : 128;
    memcpy(buf, s, k); buf[k] = 0;
    semihost(SYS_WRITE0, buf);
    s += k; n -= k;
  }
}

void harness_exit(int code) {
  semihost(SYS_EXIT, (const void *)(uintptr_t)(code == 0 ? ADP_Stopped_ApplicationExit : ADP_Stopped_RunTimeErrorUnknown));
  for (;;) {}
}

void Reset_Handler(void) {
  uint32_t *s = &__data_load, *d = &__data_start;
  while (d < &__data_end) *d++ = *s++;
  for (d = &__bss_start; d < &__bss_end; d++) *d = 0;
  harness_exit(main());
}

static void Fault_Handler(void) {
  static const char msg[] = "fault\n";
  harness_write(msg, sizeof msg - 1);
  harness_exit(4);
}

__attribute__((section(".isr_vector"), used)) static const void *const vectors[16] = {
  &__stack_top, (const void *)Reset_Handler, (const void *)Fault_Handler, (const void *)Fault_Handler,
  (const void *)Fault_Handler, (const void *)Fault_Handler, (const void *)Fault_Handler, 0, 0, 0, 0,
  (const void *)Fault_Handler, (const void *)Fault_Handler, 0, (const void *)Fault_Handler, (const void *)Fault_Handler,
};
