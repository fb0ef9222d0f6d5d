/*
 * elf.h - checking a static ELF32 i386 executable before exec maps it.
 *
 * The structures and constants are the ones the ELF specification (the
 * System V ABI, and its i386 supplement) defines, under their usual names.
 * Only what exec needs is here: the file header and the program headers.
 * Section headers are for linkers and debuggers; a loader ignores them.
 *
 * elf_check() is pure: it reads the image in memory (exec finds it in the
 * initrd) and touches nothing else, so the host unit tests run it as is.
 */
#ifndef MICA_ELF_H
#define MICA_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* e_ident[]: the first 16 bytes, which say how to read the rest. */
#define EI_NIDENT  16
#define EI_MAG0	   0 /* 0x7F 'E' 'L' 'F' */
#define EI_CLASS   4
#define EI_DATA	   5
#define EI_VERSION 6

#define ELFMAG0 0x7F
#define ELFMAG1 'E'
#define ELFMAG2 'L'
#define ELFMAG3 'F'

#define ELFCLASS32  1 /* 32-bit addresses and offsets */
#define ELFDATA2LSB 1 /* little-endian */
#define EV_CURRENT  1

/* e_type */
#define ET_REL	1 /* an object file, not yet linked */
#define ET_EXEC 2 /* an executable at fixed addresses: what mica runs */
#define ET_DYN	3 /* a shared library or a position-independent executable */

/* e_machine */
#define EM_386	  3
#define EM_X86_64 62

/* p_type */
#define PT_NULL	     0
#define PT_LOAD	     1 /* bytes to map: the only kind the loader acts on */
#define PT_DYNAMIC   2
#define PT_INTERP    3 /* path of a dynamic loader: mica has none */
#define PT_NOTE	     4
#define PT_PHDR	     6
#define PT_TLS	     7
#define PT_GNU_STACK 0x6474E551 /* its flags say if the stack is executable */

/* p_flags */
#define PF_X 1
#define PF_W 2
#define PF_R 4

struct elf32_ehdr {
	uint8_t e_ident[EI_NIDENT];
	uint16_t e_type;
	uint16_t e_machine;
	uint32_t e_version;
	uint32_t e_entry; /* virtual address of the first instruction */
	uint32_t e_phoff; /* file offset of the program header table */
	uint32_t e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize;
	uint16_t e_phentsize; /* bytes per program header */
	uint16_t e_phnum;
	uint16_t e_shentsize;
	uint16_t e_shnum;
	uint16_t e_shstrndx;
};

struct elf32_phdr {
	uint32_t p_type;
	uint32_t p_offset; /* where the segment's bytes start in the file */
	uint32_t p_vaddr;
	uint32_t p_paddr;  /* unused by mica */
	uint32_t p_filesz; /* bytes taken from the file ... */
	uint32_t p_memsz;  /* ... the rest, up to memsz, is zeroed (.bss) */
	uint32_t p_flags;
	uint32_t p_align;
};

#define ELF_MAX_SEGS 8 /* PT_LOAD segments exec accepts */

/* One PT_LOAD segment, as exec maps it. */
struct elf_seg {
	uint32_t vaddr, memsz, filesz, offset;
	bool writable, executable;
};

struct elf_info {
	uint32_t entry;
	uint32_t nsegs;
	struct elf_seg segs[ELF_MAX_SEGS]; /* in program header order */
	/* The first address after the highest segment, page-aligned up. */
	uint32_t brk;
	/* NULL, or why elf_check() said no, for the caller to print. */
	const char *why;
};

/*
 * Checks that the size bytes at image are a static ELF32 i386 executable
 * that can be mapped below user_top, and describes it in *out (which must
 * not be NULL). Returns 0, or -ENOEXEC for every rejection; out->why then
 * names the failed check in a few words, e.g. "not ELF (bad magic)". On
 * failure the rest of *out is meaningless.
 *
 * The checks: the header fits; magic; 32-bit, little-endian, version 1;
 * ET_EXEC; EM_386; e_phentsize is 32; the program header table lies in
 * the file; no PT_INTERP; 1 to ELF_MAX_SEGS PT_LOAD segments (empty ones,
 * memsz 0, are skipped); for each: filesz <= memsz, its file bytes lie in
 * the file, it starts at or above 4096 (page 0 stays unmapped, so NULL
 * faults), vaddr and offset are equal modulo 4096 (ELF requires it of
 * PT_LOAD), it ends, rounded up to a page, below 4 GiB and at or below
 * user_top, and it shares no page with another segment; the entry point
 * lies in the file bytes of an executable segment. Other program header
 * types are ignored.
 */
int elf_check(const void *image, size_t size, uintptr_t user_top,
	      struct elf_info *out);

#endif
