/*
 * check.h - the kernel's invariant checker.
 *
 * kernel_check() walks the kernel's data structures and checks that they
 * agree with each other: every task is where its state says it is (on a
 * ready queue exactly once, on the wait queue it names, ...), the family
 * links match, the pid table finds each task, the counters match the
 * lists, and every name in a task's port name space points to a live
 * port. It prints one "check: ..." line per problem and returns how many
 * it found (0: all is well).
 *
 * The in-kernel test runner calls it after every test of test=all, and
 * user space reaches it through SYS_kcheck (the fuzzer calls it).
 */
#ifndef MICA_CHECK_H
#define MICA_CHECK_H

int kernel_check(void);

#endif
