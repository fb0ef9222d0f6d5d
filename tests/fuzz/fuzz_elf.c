/*
 * fuzz_elf.c - libFuzzer target for elf_check (kernel/elf.c).
 *
 * Any bytes may come in as a program's image. elf_check must not read
 * outside them (ASan), must not hit undefined behaviour (UBSan), and when
 * it says yes, what it describes must be safe to map: every segment in
 * the file and below user_top, the entry point in executable bytes. A
 * broken promise aborts, which libFuzzer reports as a crash.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf.h"
#include <mica/errno.h>
#include "promise.h"

#define USER_TOP 0xC0000000u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size copy: a read one byte past the end is caught. */
	uint8_t *img = malloc(size ? size : 1);
	struct elf_info info;
	int r;

	memcpy(img, data, size);
	memset(&info, 0xA5, sizeof info);
	r = elf_check(img, size, USER_TOP, &info);
	if (r != 0) {
		PROMISE(r == -ENOEXEC);
		PROMISE(info.why != NULL);
		free(img);
		return 0;
	}
	PROMISE(info.nsegs >= 1 && info.nsegs <= ELF_MAX_SEGS);
	int entry_ok = 0;
	for (uint32_t i = 0; i < info.nsegs; i++) {
		const struct elf_seg *s = &info.segs[i];
		uint64_t end = (uint64_t)s->vaddr + s->memsz;

		PROMISE(s->memsz > 0);
		PROMISE(s->filesz <= s->memsz);
		PROMISE((uint64_t)s->offset + s->filesz <= size);
		PROMISE(s->vaddr >= 4096);
		PROMISE(((end + 4095) & ~4095ull) <= USER_TOP);
		PROMISE(((end + 4095) & ~4095ull) <= info.brk);
		if (s->executable && info.entry >= s->vaddr &&
		    info.entry < s->vaddr + s->filesz)
			entry_ok = 1;
		for (uint32_t j = 0; j < i; j++) { /* no shared page */
			const struct elf_seg *o = &info.segs[j];
			uint64_t a0 = s->vaddr & ~4095u,
				 a1 = (end + 4095) & ~4095ull;
			uint64_t b0 = o->vaddr & ~4095u,
				 b1 = ((uint64_t)o->vaddr + o->memsz + 4095) &
				      ~4095ull;

			PROMISE(a1 <= b0 || b1 <= a0);
		}
	}
	PROMISE(entry_ok);
	PROMISE(info.brk % 4096 == 0 && info.brk <= USER_TOP);
	free(img);
	return 0;
}
