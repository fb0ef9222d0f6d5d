/*
 * elf.c - check a static ELF32 i386 executable before exec maps it (elf.h).
 *
 * exec trusts what this accepts: it will copy p_filesz bytes from
 * p_offset, zero up to p_memsz and map the pages at p_vaddr, then jump to
 * e_entry. So every field that becomes an address or a length is checked
 * here, with sums done in 64 bits so that nothing can wrap past 4 GiB and
 * look small. Each check has its own message, which exec prints, because
 * "exec format error" alone tells a student nothing.
 *
 * Headers are copied out with memcpy: e_phoff need not be aligned.
 * Only memcpy and memset come from lib/string.h (see the unit tests).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "elf.h"
#include "lib/string.h"
#include <mica/errno.h>

/* exec maps segments in pages of this size. */
#define ELF_PAGE_SIZE 4096u

_Static_assert(sizeof(struct elf32_ehdr) == 52, "ELF32 header layout");
_Static_assert(sizeof(struct elf32_phdr) == 32, "ELF32 phdr layout");

static uint64_t page_down(uint64_t addr)
{
	return addr & ~(uint64_t)(ELF_PAGE_SIZE - 1);
}

static uint64_t page_up(uint64_t addr)
{
	return page_down(addr + ELF_PAGE_SIZE - 1);
}

static int reject(struct elf_info *out, const char *why)
{
	out->why = why;
	return -ENOEXEC;
}

/* Checks the file header; returns NULL or what is wrong with it. */
static const char *check_ehdr(const struct elf32_ehdr *eh, size_t size)
{
	const uint8_t *id = eh->e_ident;

	if (id[EI_MAG0] != ELFMAG0 || id[EI_MAG0 + 1] != ELFMAG1 ||
	    id[EI_MAG0 + 2] != ELFMAG2 || id[EI_MAG0 + 3] != ELFMAG3)
		return "not ELF (bad magic)";
	if (id[EI_CLASS] != ELFCLASS32)
		return "not a 32-bit ELF file";
	if (id[EI_DATA] != ELFDATA2LSB)
		return "not little-endian";
	if (id[EI_VERSION] != EV_CURRENT || eh->e_version != EV_CURRENT)
		return "unknown ELF version";
	if (eh->e_type != ET_EXEC)
		return "not an executable (ET_EXEC); PIE and .o are not run";
	if (eh->e_machine != EM_386)
		return "not for i386";
	if (eh->e_phentsize != sizeof(struct elf32_phdr))
		return "program header size is not 32";
	/* At most 65535 * 32 bytes past a 32-bit offset: fits in 64 bits. */
	if ((uint64_t)eh->e_phoff +
		(uint64_t)eh->e_phnum * sizeof(struct elf32_phdr) >
	    size)
		return "program header table is outside the file";
	return NULL;
}

/* Checks one PT_LOAD header; returns NULL or what is wrong with it. */
static const char *check_load(const struct elf32_phdr *ph, size_t size,
			      uintptr_t user_top)
{
	uint64_t end = page_up((uint64_t)ph->p_vaddr + ph->p_memsz);

	if (ph->p_filesz > ph->p_memsz)
		return "segment has filesz > memsz";
	if ((uint64_t)ph->p_offset + ph->p_filesz > size)
		return "segment's bytes are outside the file";
	if (ph->p_vaddr < ELF_PAGE_SIZE)
		return "segment maps page 0 (kept unmapped so NULL faults)";
	if (ph->p_vaddr % ELF_PAGE_SIZE != ph->p_offset % ELF_PAGE_SIZE)
		return "segment's vaddr and offset differ modulo the page size";
	/* Checked apart from user_top: on the host uintptr_t is 64 bits. */
	if (end > UINT32_MAX)
		return "segment runs past the 4 GiB address space";
	if (end > user_top)
		return "segment ends above user space";
	return NULL;
}

/* Two segments overlap once both are widened to whole pages. */
static bool pages_overlap(const struct elf_seg *a, const struct elf_seg *b)
{
	uint64_t a_start = page_down(a->vaddr);
	uint64_t a_end = page_up((uint64_t)a->vaddr + a->memsz);
	uint64_t b_start = page_down(b->vaddr);
	uint64_t b_end = page_up((uint64_t)b->vaddr + b->memsz);

	return a_start < b_end && b_start < a_end;
}

/*
 * Appends ph to out->segs; returns NULL or why it cannot be added. Each
 * segment is mapped by whole pages, so one sharing a page with another
 * would need that page both ways (say read-only and writable).
 */
static const char *add_seg(struct elf_info *out, const struct elf32_phdr *ph)
{
	struct elf_seg *seg;
	uint32_t i;

	if (out->nsegs == ELF_MAX_SEGS)
		return "too many PT_LOAD segments";
	seg = &out->segs[out->nsegs];
	seg->vaddr = ph->p_vaddr;
	seg->memsz = ph->p_memsz;
	seg->filesz = ph->p_filesz;
	seg->offset = ph->p_offset;
	seg->writable = ph->p_flags & PF_W;
	seg->executable = ph->p_flags & PF_X;
	for (i = 0; i < out->nsegs; i++)
		if (pages_overlap(&out->segs[i], seg))
			return "segments share a page";
	out->nsegs++;
	return NULL;
}

/*
 * The entry point must be code from the file: inside the file bytes of an
 * executable segment, not in zero-filled .bss or in data.
 */
static bool entry_ok(const struct elf_info *out)
{
	const struct elf_seg *seg;
	uint32_t i;

	for (i = 0; i < out->nsegs; i++) {
		seg = &out->segs[i];
		if (seg->executable && out->entry >= seg->vaddr &&
		    out->entry - seg->vaddr < seg->filesz)
			return true;
	}
	return false;
}

/* The break starts after the highest segment (check_load kept it < 4G). */
static uint32_t first_brk(const struct elf_info *out)
{
	uint64_t end, brk = 0;
	uint32_t i;

	for (i = 0; i < out->nsegs; i++) {
		end =
		    page_up((uint64_t)out->segs[i].vaddr + out->segs[i].memsz);
		if (end > brk)
			brk = end;
	}
	return (uint32_t)brk;
}

int elf_check(const void *image, size_t size, uintptr_t user_top,
	      struct elf_info *out)
{
	const uint8_t *img = image;
	struct elf32_ehdr eh;
	struct elf32_phdr ph;
	const char *why;
	uint32_t i;

	memset(out, 0, sizeof *out);
	if (size < sizeof eh)
		return reject(out, "too short for an ELF header");
	memcpy(&eh, img, sizeof eh);
	why = check_ehdr(&eh, size);
	if (why)
		return reject(out, why);

	for (i = 0; i < eh.e_phnum; i++) {
		memcpy(&ph, img + eh.e_phoff + (size_t)i * sizeof ph,
		       sizeof ph);
		if (ph.p_type == PT_INTERP)
			return reject(out, "dynamically linked (PT_INTERP); "
					   "link with -static");
		if (ph.p_type != PT_LOAD)
			continue; /* PT_GNU_STACK, PT_NOTE, ...: nothing to map */
		why = check_load(&ph, size, user_top);
		if (why)
			return reject(out, why);
		if (ph.p_memsz == 0)
			continue; /* an empty segment maps nothing */
		why = add_seg(out, &ph);
		if (why)
			return reject(out, why);
	}
	if (out->nsegs == 0)
		return reject(out, "no PT_LOAD segment");

	out->entry = eh.e_entry;
	if (!entry_ok(out))
		return reject(out,
			      "entry point is not in an executable segment");
	out->brk = first_brk(out);
	return 0;
}
