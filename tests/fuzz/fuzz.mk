# tests/fuzz/fuzz.mk - libFuzzer targets (clang -fsanitize=fuzzer,address,
# undefined) over the kernel's pure parsers. Included by the Makefile.
#
#   make fuzz-host             each target for FUZZ_HOST_SECONDS (60) s
#   make test                  each for a few seconds (boot/... no: the
#                              runner's host_fuzz check)
#
# FUZZ_SRCS_<target> lists the kernel sources a target needs, as
# tests/unit/unit.mk does for unit tests. Message-header validation
# (kernel/ipc/msg.c) is not here: it copies from user memory and looks
# up ports as it checks, so it is not a pure function (docs/robustness.md).
FUZZ_SRCS_fuzz_elf := kernel/elf.c
FUZZ_SRCS_fuzz_initrd := kernel/initrd.c kernel/lib/crc32.c
FUZZ_SRCS_fuzz_cmdline := kernel/lib/cmdline.c
