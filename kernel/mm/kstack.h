/* kstack.h - kernel stacks, each with an unmapped guard page below it. */
#ifndef MICA_MM_KSTACK_H
#define MICA_MM_KSTACK_H

#include <stdbool.h>
#include <stdint.h>

#define KSTACK_PAGES 2
#define KSTACK_SIZE  (KSTACK_PAGES * 4096)

void kstack_init(void);
void *kstack_alloc(void); /* lowest address of the stack, or NULL */
void kstack_free(void *stack);
bool kstack_is_guard(uintptr_t addr);
unsigned kstack_in_use(void);

#endif
