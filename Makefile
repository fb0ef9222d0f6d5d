# mica - a small Mach-style teaching microkernel for i386.
#
#   make            build build/kernel.elf and build/mica.iso
#   make run        boot the ISO in QEMU, console in this terminal (Ctrl-A x quits)
#   make run GUI=1  the same with the QEMU window (VGA console)
#   make test       host unit tests + in-QEMU tests; ends with "N passed, N failed"
#   make DEBUG=1    build with -O0 for stepping in GDB (build goes to build-debug/)
#   make deps       install the Debian packages the build and tests need
#   make help       this list

DEBUG ?= 0
UBSAN ?= 0
GUI ?= 0
MEM ?= 256M
CMDLINE ?=
# `make UBSAN=1`: the kernel with gcc's UndefinedBehaviorSanitizer, into
# build-ubsan/ (kernel/lib/ubsan.c prints each report; user programs are
# built as usual). `make test` builds and boots it too.
ifeq ($(UBSAN),1)
BUILD ?= build-ubsan
endif
ifeq ($(DEBUG),1)
BUILD ?= build-debug
OPT := -O0
else
BUILD ?= build
OPT := -O2
endif

# `make V=1` shows every command; by default one short line per file.
ifeq ($(V),1)
Q :=
else
Q := @
endif

CC := gcc
HOSTCC := gcc
PYTHON := python3
QEMU := qemu-system-i386
VERSION := 0.1.0

# ---- kernel --------------------------------------------------------------
# -ffreestanding: no hosted libc; -mgeneral-regs-only: the kernel never
# touches FPU/SSE state, so a trap or a switch need not save it.
# -nostdinc: the host's C library headers are not the kernel's; only
# gcc's own freestanding headers (stdint.h, stdarg.h, ...) are allowed.
KCFLAGS := -m32 -std=gnu11 -ffreestanding -nostdinc \
	-isystem $(shell $(CC) -m32 -print-file-name=include) -fno-pie -fno-pic \
	-fstack-protector-strong -mstack-protector-guard=global \
	-fno-omit-frame-pointer -mgeneral-regs-only \
	-fno-strict-aliasing -g $(OPT) -Wall -Wextra -Werror \
	-Ikernel -Iarch -Iinclude -DMICA_VERSION='"$(VERSION)"' -MMD -MP
# Alignment is not checked: x86 does not care, and packed structures
# (GDT, IDT, multiboot) are misaligned on purpose.
ifeq ($(UBSAN),1)
KCFLAGS += -fsanitize=undefined -fno-sanitize=alignment
endif
KASFLAGS := -m32 -g -Ikernel -Iarch -Iinclude -MMD -MP -D__ASSEMBLY__
KLDFLAGS := -m32 -nostdlib -static -no-pie -Wl,--build-id=none \
	-Wl,-z,noexecstack -Wl,--no-warn-rwx-segments -T linker.ld

KSRCS := $(wildcard boot/*.S) $(wildcard arch/x86/*.S) \
	$(wildcard arch/x86/*.c) $(wildcard kernel/*.c) \
	$(wildcard kernel/*/*.c) $(wildcard tests/ktest/*.c)
KOBJS := $(patsubst %,$(BUILD)/%.o,$(basename $(KSRCS)))

all: $(BUILD)/kernel.elf $(BUILD)/mica.iso $(if $(USER_PROGS),$(BUILD)/initrd.img)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(KCFLAGS) -c $< -o $@

# The sanitizer's own handlers must not be instrumented.
$(BUILD)/kernel/lib/ubsan.o: KCFLAGS := $(filter-out -fsanitize=%,$(KCFLAGS))

$(BUILD)/%.o: %.S
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	$(Q)$(CC) $(KASFLAGS) -c $< -o $@

# The kernel is linked twice so that panics can print function names: the
# first link has an empty symbol table, its symbols are turned into a table
# (tools/mksyms.py), and the second link adds it. The table sits after every
# other section (see linker.ld), so no function moves between the two links.
$(BUILD)/ksyms0.S:
	@mkdir -p $(dir $@)
	$(PYTHON) tools/mksyms.py < /dev/null > $@

$(BUILD)/ksyms0.o $(BUILD)/ksyms.o: $(BUILD)/%.o: $(BUILD)/%.S
	$(CC) $(KASFLAGS) -c $< -o $@

$(BUILD)/kernel.pre.elf: $(KOBJS) $(BUILD)/ksyms0.o linker.ld
	$(CC) $(KLDFLAGS) -o $@ $(KOBJS) $(BUILD)/ksyms0.o -lgcc

$(BUILD)/ksyms.S: $(BUILD)/kernel.pre.elf tools/mksyms.py
	nm -n $< | $(PYTHON) tools/mksyms.py > $@

$(BUILD)/kernel.elf: $(KOBJS) $(BUILD)/ksyms.o linker.ld
	@echo "  LD      $@"
	$(Q)$(CC) $(KLDFLAGS) -o $@ $(KOBJS) $(BUILD)/ksyms.o -lgcc
	@$(PYTHON) tools/mksyms.py --check $(BUILD)/kernel.pre.elf $@

# ---- user programs and the initrd ---------------------------------------
# user/user.mk builds user/lib and every program into $(BUILD)/user/<name>;
# tools/mkinitrd.py packs them into $(BUILD)/initrd.img (a multiboot module).
-include user/user.mk

# The initrd holds the programs without their debug information (GDB
# reads that from $(BUILD)/user/), which makes it a fraction of the size.
INITRD_FILES := $(patsubst $(BUILD)/user/%,$(BUILD)/initrd/%,$(USER_PROGS)) \
	user/motd

$(BUILD)/initrd/%: $(BUILD)/user/%
	@mkdir -p $(dir $@)
	$(Q)strip --strip-debug -o $@ $<

$(BUILD)/initrd.img: $(INITRD_FILES) tools/mkinitrd.py
	@echo "  INITRD  $@"
	$(Q)$(PYTHON) tools/mkinitrd.py -o $@ $(INITRD_FILES)

# ---- bootable ISO ----------------------------------------------------------
ISO_FILES := $(BUILD)/kernel.elf boot/grub.cfg $(if $(USER_PROGS),$(BUILD)/initrd.img)

$(BUILD)/mica.iso: $(ISO_FILES)
	@rm -rf $(BUILD)/iso && mkdir -p $(BUILD)/iso/boot/grub
	cp $(BUILD)/kernel.elf $(BUILD)/iso/boot/kernel.elf
	cp boot/grub.cfg $(BUILD)/iso/boot/grub/grub.cfg
	$(if $(USER_PROGS),cp $(BUILD)/initrd.img $(BUILD)/iso/boot/initrd.img)
	@echo "  ISO     $@"
	$(Q)grub-mkrescue -o $@ $(BUILD)/iso 2> $(BUILD)/grub-mkrescue.log || \
		{ cat $(BUILD)/grub-mkrescue.log; exit 1; }

# ---- running -------------------------------------------------------------
QEMU_COMMON := -m $(MEM) -no-reboot \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04
ifeq ($(GUI),1)
QEMU_DISPLAY := -serial mon:stdio
else
QEMU_DISPLAY := -display none -serial mon:stdio
endif
ifeq ($(GDB),1)
QEMU_GDB := -s -S
endif

run: deps-check all
	@echo "Booting mica through GRUB in QEMU.  Quit: Ctrl-A then x."
	$(QEMU) $(QEMU_COMMON) $(QEMU_DISPLAY) $(QEMU_GDB) -cdrom $(BUILD)/mica.iso; \
		status=$$?; [ $$status -eq 0 ] || [ $$status -eq 1 ]

# Boot without GRUB (faster): QEMU loads the multiboot ELF itself.
run-kernel: deps-check $(BUILD)/kernel.elf
	$(QEMU) $(QEMU_COMMON) $(QEMU_DISPLAY) $(QEMU_GDB) \
		-kernel $(BUILD)/kernel.elf -append "$(CMDLINE)" \
		$(if $(USER_PROGS),-initrd $(BUILD)/initrd.img)

# Debugging in GDB (docs/debugging.md).
#   make debug  build with -O0 (build-debug/), start QEMU stopped in the
#               background (serial output to DEBUG_SERIAL) and GDB here;
#               quitting GDB stops QEMU.
#   make gdb    attach GDB to a QEMU started elsewhere with GDB=1
#               (make run-kernel DEBUG=1 GDB=1 in another terminal);
#               add DEBUG=1 for build-debug/kernel.elf.
# The recipe ignores Ctrl-C so that it reaches GDB (which stops the
# kernel) without ending make, and QEMU is killed after GDB exits.
GDBPORT ?= 1234
GDB_CMD ?= gdb
DEBUG_SERIAL ?= file:build-debug/serial.log
debug: deps-check
	$(MAKE) DEBUG=1 all
	@echo "QEMU waits for GDB on :$(GDBPORT); kernel output: $(DEBUG_SERIAL)" \
		"(tail -f build-debug/serial.log).  Quit GDB to stop QEMU."
	@trap '' INT; \
	$(QEMU) $(QEMU_COMMON) -display none -monitor none \
		-serial $(DEBUG_SERIAL) -gdb tcp::$(GDBPORT) -S \
		-kernel build-debug/kernel.elf -append "$(CMDLINE)" \
		$(if $(USER_PROGS),-initrd build-debug/initrd.img) \
		< /dev/null & qpid=$$!; \
	MICA_GDBPORT=$(GDBPORT) $(GDB_CMD) -q -x tools/gdb/gdbinit \
		build-debug/kernel.elf; \
	kill $$qpid 2>/dev/null; wait $$qpid 2>/dev/null; true

gdb:
	@test -f $(BUILD)/kernel.elf || { echo "no $(BUILD)/kernel.elf:" \
		"run make$(if $(filter 1,$(DEBUG)), DEBUG=1) first"; exit 1; }
	MICA_GDBPORT=$(GDBPORT) $(GDB_CMD) -q -x tools/gdb/gdbinit $(BUILD)/kernel.elf

.PHONY: debug gdb

# Benchmarks: boot with QEMU's -icount (the guest's TSC counts guest
# instructions exactly), run user/bench, print the table and write
# $(BUILD)/bench.json. docs/performance.md explains the rows.
BENCH_FLAGS ?=
bench: deps-check all
	$(PYTHON) tools/bench.py --build $(BUILD) $(BENCH_FLAGS)

# An exact profile of one shell command: instructions per function, from
# QEMU's execution log (tools/profile.py; slow, a minute or so).
#   make profile CMD="bench -n 100 rpc_roundtrip"
CMD ?= bench quick null_syscall
profile: deps-check all
	$(PYTHON) tools/profile.py --build $(BUILD) "$(CMD)"

# The in-guest syscall fuzzer (user/sysfuzz.c): boot, run one seed, power
# off. A failing seed reproduces: make fuzz SEED=7 COUNT=50000.
SEED ?= 1
COUNT ?= 20000
TASKS ?= 4
FUZZ_TIMEOUT ?= 600
fuzz: deps-check $(BUILD)/kernel.elf $(BUILD)/initrd.img
	$(PYTHON) tools/fuzz.py --build $(BUILD) --seed $(SEED) \
		--count $(COUNT) --tasks $(TASKS) --timeout $(FUZZ_TIMEOUT)

# The scheduler trace as a picture (tools/tracevis.py, docs/labs/lab1.md):
# boot with run=<program>,<args> (init runs that one program, dumps the
# trace and powers off), keep the serial log in $(BUILD)/trace.log, and
# draw $(BUILD)/trace.svg, $(BUILD)/trace.html and $(BUILD)/tree.svg.
#   make trace WORKLOAD=cpumix SCHED=lottery CMDLINE="quantum=10"
WORKLOAD ?= pingpong,20
SCHED ?= rr
TRACE_TIMEOUT ?= 120
trace: deps-check $(BUILD)/kernel.elf $(BUILD)/initrd.img
	@echo "  TRACE   run=$(WORKLOAD) sched=$(SCHED) $(CMDLINE)"
	$(Q)timeout $(TRACE_TIMEOUT) $(QEMU) -m $(MEM) -display none \
		-serial stdio -monitor none -no-reboot \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		-kernel $(BUILD)/kernel.elf -initrd $(BUILD)/initrd.img \
		-append "run=$(WORKLOAD) sched=$(SCHED) $(CMDLINE)" \
		< /dev/null > $(BUILD)/trace.log; status=$$?; \
	if [ $$((status % 2)) -ne 1 ] || [ $$status -gt 255 ]; then \
		tail -20 $(BUILD)/trace.log; \
		echo "trace: QEMU ended with status $$status (no poweroff:" \
			"crash or timeout); log in $(BUILD)/trace.log"; exit 1; fi
	$(PYTHON) tools/tracevis.py $(BUILD)/trace.log -o $(BUILD)/trace.svg \
		--html $(BUILD)/trace.html --tree $(BUILD)/tree.svg

# Course labs (docs/labs/): make grade LAB=2 runs lab 2's checks and
# prints a score; make handout writes the students' tree to
# $(BUILD)/handout with the reference solutions (LABn-BEGIN/END) removed.
LAB ?=
grade: deps-check all
	$(Q)$(MAKE) --no-print-directory $(UNIT_TESTS)
	$(PYTHON) tools/grade.py LAB=$(LAB) --build $(BUILD) \
		--user-cflags '$(USER_CFLAGS)' --user-ldflags '$(USER_LDFLAGS)'

handout:
	$(PYTHON) tools/grade.py --handout $(BUILD)/handout

.PHONY: trace grade handout

# ---- host unit tests -----------------------------------------------------
HOSTCFLAGS := -std=gnu11 -g -O1 -fsanitize=address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer -Wall -Wextra -Werror \
	-DMICA_HOST_TEST -Ikernel -Iarch -Iinclude -Itests/unit
-include tests/unit/unit.mk
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,\
	$(wildcard tests/unit/test_*.c))

.SECONDEXPANSION:
$(BUILD)/unit/%: tests/unit/%.c tests/unit/unit_main.c tests/unit/unit.h \
		$$(UNIT_SRCS_$$*) $$(wildcard kernel/*/*.h kernel/*.h)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	$(Q)$(HOSTCC) $(HOSTCFLAGS) -o $@ $(filter %.c,$^)

unit: $(UNIT_TESTS)
	@for t in $(UNIT_TESTS); do $$t || true; done

# ---- host fuzzing (libFuzzer) ----------------------------------------------
# tests/fuzz/fuzz_<x>.c: the kernel's pure parsers under clang's libFuzzer
# with ASan and UBSan (tests/fuzz/fuzz.mk lists their kernel sources).
FUZZ_CC := clang
FUZZ_CFLAGS := -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer -Wall -Wextra \
	-Werror -DMICA_HOST_TEST -Ikernel -Iarch -Iinclude
-include tests/fuzz/fuzz.mk
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,\
	$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_HOST_SECONDS ?= 60

$(BUILD)/fuzz/%: tests/fuzz/%.c $$(FUZZ_SRCS_$$*) \
		$$(wildcard kernel/*/*.h kernel/*.h)
	@mkdir -p $(dir $@)
	@echo "  FUZZCC  $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^)

fuzz-host: deps-check $(FUZZ_TARGETS)
	@for t in $(FUZZ_TARGETS); do n=$$(basename $$t); \
		mkdir -p $(BUILD)/fuzz/corpus-$$n tests/fuzz/corpus/$$n; \
		echo "fuzz-host: $$n for $(FUZZ_HOST_SECONDS) s"; \
		$$t -max_total_time=$(FUZZ_HOST_SECONDS) -print_final_stats=1 \
			-artifact_prefix=$(BUILD)/fuzz/$$n- \
			$(BUILD)/fuzz/corpus-$$n tests/fuzz/corpus/$$n \
			> $(BUILD)/fuzz/$$n.log 2>&1; status=$$?; \
		grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units)' \
			$(BUILD)/fuzz/$$n.log; \
		if [ $$status -ne 0 ]; then tail -40 $(BUILD)/fuzz/$$n.log; \
			echo "fuzz-host: $$n failed (status $$status);" \
				"the input is in $(BUILD)/fuzz/$$n-*"; exit 1; fi; \
	done

# ---- tests ---------------------------------------------------------------
test: deps-check all $(UNIT_TESTS) $(FUZZ_TARGETS) ubsan-kernel
	$(PYTHON) tools/runtests.py --build $(BUILD) $(if $(T),--only '$(T)')

# The UBSan kernel (and its initrd) that boot/ubsan_kernel boots.
ubsan-kernel:
	$(Q)$(MAKE) --no-print-directory UBSAN=1 BUILD=build-ubsan \
		build-ubsan/kernel.elf build-ubsan/initrd.img

# ---- set-up --------------------------------------------------------------
deps:
	@tools/deps.sh install

deps-check:
	@tools/deps.sh check || tools/deps.sh install

# For editors (clangd): rebuild everything under bear, which records each
# compiler command. Needs the `bear` package (apt-get install bear).
compile_commands.json:
	@command -v bear >/dev/null || { echo "needs bear: apt-get install bear"; exit 1; }
	bear --output $@ -- $(MAKE) -B all $(UNIT_TESTS)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build build-debug build-ubsan

help:
	@sed -n '3,9p' Makefile | sed 's/^# *//'
	@echo "make run-kernel CMDLINE=...  boot without GRUB (faster)"
	@echo "make debug / make gdb        GDB session (docs/debugging.md)"
	@echo "make bench                   instruction counts (docs/performance.md)"
	@echo "make profile CMD='bench ...' instructions per function of a command"
	@echo "make test T='utest/ipc_*'    only the tests matching a glob"

.PHONY: all run run-kernel bench profile fuzz fuzz-host ubsan-kernel unit test deps deps-check format clean help \
	compile_commands.json
.DELETE_ON_ERROR:

-include $(KOBJS:.o=.d)
