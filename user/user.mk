# user/user.mk - mica's user space: the C library and the programs.
# Included by the top-level Makefile, which defines BUILD, Q and CC.
#
#   user/lib/*.c, *.S  ->  $(BUILD)/user/libc.a   (crt0.S stays separate)
#   user/<name>.c      ->  $(BUILD)/user/<name>   (one program per file)
#
# The programs are packed into the initrd under their plain names: that
# is what `ls` shows and what exec() looks up.

# -nostdinc keeps the host's glibc headers out; -isystem brings back the
# compiler's own freestanding ones (stdarg.h, stddef.h, stdint.h).
# -fno-tree-loop-distribute-patterns: gcc must not turn the loop inside
# memset into a call to memset.
USER_CFLAGS := -m32 -std=gnu11 -ffreestanding -fno-pie -fno-pic \
	-fno-stack-protector -fno-asynchronous-unwind-tables \
	-fno-tree-loop-distribute-patterns -nostdinc \
	-isystem $(shell $(CC) -m32 -print-file-name=include) \
	-Iuser/include -Iinclude -O2 -g -Wall -Wextra -Werror -MMD -MP
USER_ASFLAGS := -m32 -g -Iuser/include -Iinclude -MMD -MP -D__ASSEMBLY__
USER_LDFLAGS := -m32 -nostdlib -static -no-pie -Wl,--build-id=none \
	-Wl,-z,noexecstack -T user/user.ld

USER_CRT0 := $(BUILD)/user/lib/crt0.o
USER_LIBC := $(BUILD)/user/libc.a
USER_LIB_SRCS := $(filter-out user/lib/crt0.S,\
	$(wildcard user/lib/*.c user/lib/*.S))
USER_LIB_OBJS := $(patsubst user/%,$(BUILD)/user/%.o,\
	$(basename $(USER_LIB_SRCS)))

# Every user/<name>.c is a program (a new file is picked up by itself).
USER_NAMES := $(sort $(patsubst user/%.c,%,$(wildcard user/*.c)))
USER_BINS := $(addprefix $(BUILD)/user/,$(USER_NAMES))

# usertests also links every user/tests/*.c: the harness and the test
# files that register themselves with UTEST() (user/tests/utest.h).
USER_TEST_OBJS := $(patsubst user/%.c,$(BUILD)/user/%.o,\
	$(wildcard user/tests/*.c))

# The top Makefile builds an initrd from USER_PROGS, with
# tools/mkinitrd.py. Until that script exists, leave USER_PROGS empty so
# that `make` still builds the kernel and the ISO; `make user` builds the
# programs either way.
USER_PROGS := $(if $(wildcard tools/mkinitrd.py),$(USER_BINS))

user: $(USER_BINS)

# These rules are more specific than the kernel's $(BUILD)/%.o rules, so
# make prefers them for files under user/.
$(BUILD)/user/%.o: user/%.c
	@mkdir -p $(dir $@)
	@echo "  UCC     $<"
	$(Q)$(CC) $(USER_CFLAGS) -c $< -o $@

$(BUILD)/user/%.o: user/%.S
	@mkdir -p $(dir $@)
	@echo "  UAS     $<"
	$(Q)$(CC) $(USER_ASFLAGS) -c $< -o $@

$(USER_LIBC): $(USER_LIB_OBJS)
	@echo "  UAR     $@"
	$(Q)rm -f $@ && ar rcs $@ $^

# crt0 first (it holds _start), then the program, then the library;
# -lgcc supplies the 64-bit division that printf's %llu needs.
$(filter-out %/usertests,$(USER_BINS)): $(BUILD)/user/%: $(BUILD)/user/%.o \
		$(USER_CRT0) $(USER_LIBC) user/user.ld
	@echo "  ULD     $@"
	$(Q)$(CC) $(USER_LDFLAGS) -o $@ $(USER_CRT0) $< $(USER_LIBC) -lgcc

$(BUILD)/user/usertests: $(BUILD)/user/usertests.o $(USER_TEST_OBJS) \
		$(USER_CRT0) $(USER_LIBC) user/user.ld
	@echo "  ULD     $@"
	$(Q)$(CC) $(USER_LDFLAGS) -o $@ $(USER_CRT0) $< $(USER_TEST_OBJS) \
		$(USER_LIBC) -lgcc

.PHONY: user
.SECONDARY: $(USER_BINS:=.o) $(USER_TEST_OBJS)

-include $(USER_CRT0:.o=.d) $(USER_LIB_OBJS:.o=.d) $(USER_BINS:=.d) \
	$(USER_TEST_OBJS:.o=.d)
