# tests/fuzz/fuzz.mk - libFuzzer targets (clang -fsanitize=fuzzer,address,
# undefined) over the kernel's pure parsers. Included by the Makefile.
#
#   make fuzz-host   run each target for FUZZ_HOST_SECONDS (default 60) s
#   make test        builds them; the runner's boot/host_fuzz check runs
#                    each for 5 s or 200,000 inputs, whichever comes first
#
# Seeds are in tests/fuzz/corpus/<target>/ (read only); what a run finds
# goes to $(BUILD)/fuzz/corpus-<target>/, crashes to $(BUILD)/fuzz/.
#
# FUZZ_SRCS_<target> lists the kernel sources a target needs, as
# tests/unit/unit.mk does for unit tests. Message-header validation is
# the pure half of kernel/ipc/msg.c's checks, split out for this
# (kernel/ipc/msg_check.c); rights and pages are checked after it.
FUZZ_SRCS_fuzz_elf := kernel/elf.c
FUZZ_SRCS_fuzz_initrd := kernel/initrd.c kernel/lib/crc32.c
FUZZ_SRCS_fuzz_cmdline := kernel/lib/cmdline.c
FUZZ_SRCS_fuzz_msg_header := kernel/ipc/msg_check.c
