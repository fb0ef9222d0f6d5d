/*
 * stack_protector.h - the canary of -fstack-protector-strong
 * (kernel/lib/stack_protector.c).
 */
#ifndef MICA_LIB_STACK_PROTECTOR_H
#define MICA_LIB_STACK_PROTECTOR_H

#include <stdint.h>

extern uintptr_t __stack_chk_guard;

/* Pick a random canary; call first thing at boot. */
void stack_guard_init(void);

#endif
