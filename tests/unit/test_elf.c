/*
 * test_elf.c - host tests for kernel/elf.c.
 *
 * Each test starts from one well-formed image (good()), breaks exactly one
 * thing, and checks both the error and the words of out->why, so that a
 * test only passes when its own check fires: with that check removed the
 * image is either accepted or rejected for another reason.
 *
 * MICA_TEST_ELF=path also runs elf_check over a real linked program.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "elf.h"
#include <mica/errno.h>

#define USER_TOP 0xC0000000u /* the kernel's half starts here */
#define IMG_MAX	 0x10000
#define PH_MAX	 10

/* The image as fields; emit() lays them out as bytes in img. */
static struct elf32_ehdr eh;
static struct elf32_phdr ph[PH_MAX];
static uint8_t img[IMG_MAX];
static size_t img_size;
static struct elf_info info;

static struct elf32_phdr load(uint32_t off, uint32_t vaddr, uint32_t filesz,
			      uint32_t memsz, uint32_t flags)
{
	struct elf32_phdr p = {
	    .p_type = PT_LOAD,
	    .p_offset = off,
	    .p_vaddr = vaddr,
	    .p_paddr = vaddr,
	    .p_filesz = filesz,
	    .p_memsz = memsz,
	    .p_flags = flags,
	    .p_align = 0x1000,
	};
	return p;
}

/*
 * Text at 0x08048000 (one page from file offset 0), a PT_GNU_STACK to be
 * ignored, and data at 0x0804a010 from offset 0x1010: 0x100 bytes from the
 * file, then .bss up to 0x2000. brk is 0x0804c010 rounded up: 0x0804d000.
 */
static void good(void)
{
	memset(&eh, 0, sizeof eh);
	memset(ph, 0, sizeof ph);
	eh.e_ident[EI_MAG0] = ELFMAG0;
	eh.e_ident[EI_MAG0 + 1] = ELFMAG1;
	eh.e_ident[EI_MAG0 + 2] = ELFMAG2;
	eh.e_ident[EI_MAG0 + 3] = ELFMAG3;
	eh.e_ident[EI_CLASS] = ELFCLASS32;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_EXEC;
	eh.e_machine = EM_386;
	eh.e_version = EV_CURRENT;
	eh.e_entry = 0x08048080;
	eh.e_phoff = sizeof eh;
	eh.e_ehsize = sizeof eh;
	eh.e_phentsize = sizeof(struct elf32_phdr);
	eh.e_phnum = 3;
	ph[0] = load(0, 0x08048000, 0x1000, 0x1000, PF_R | PF_X);
	ph[1].p_type = PT_GNU_STACK;
	ph[1].p_flags = PF_R | PF_W;
	ph[2] = load(0x1010, 0x0804a010, 0x100, 0x2000, PF_R | PF_W);
	img_size = 0x1110;
}

/* Writes eh and ph into img (as far as they fit) and checks the result. */
static int check_top(uintptr_t user_top)
{
	uint64_t ph_end = (uint64_t)eh.e_phoff + sizeof ph;

	memset(img, 0xCC, sizeof img);
	memcpy(img, &eh, sizeof eh);
	if (ph_end <= sizeof img)
		memcpy(img + eh.e_phoff, ph, sizeof ph);
	memset(&info, 0x5A, sizeof info); /* elf_check must set every field */
	return elf_check(img, img_size, user_top, &info);
}

static int check(void)
{
	return check_top(USER_TOP);
}

/* Rejected, and for the reason containing word. */
#define CHECK_REJECT(call, word)                                               \
	do {                                                                   \
		CHECK_EQ(call, -ENOEXEC);                                      \
		CHECK(info.why != NULL);                                       \
		if (info.why && !strstr(info.why, word))                       \
			CHECK_STR(info.why, word);                             \
	} while (0)

UNIT_TEST(good_two_segment_image)
{
	good();
	CHECK_EQ(check(), 0);
	CHECK(info.why == NULL);
	CHECK_EQ(info.entry, 0x08048080);
	CHECK_EQ(info.nsegs, 2);
	CHECK_EQ(info.segs[0].vaddr, 0x08048000);
	CHECK_EQ(info.segs[0].offset, 0);
	CHECK_EQ(info.segs[0].filesz, 0x1000);
	CHECK_EQ(info.segs[0].memsz, 0x1000);
	CHECK(info.segs[0].executable);
	CHECK(!info.segs[0].writable);
	CHECK_EQ(info.segs[1].vaddr, 0x0804a010);
	CHECK_EQ(info.segs[1].offset, 0x1010);
	CHECK_EQ(info.segs[1].filesz, 0x100);
	CHECK_EQ(info.segs[1].memsz, 0x2000);
	CHECK(!info.segs[1].executable);
	CHECK(info.segs[1].writable);
	CHECK_EQ(info.brk, 0x0804d000);
}

/* A segment may end exactly at user_top, and vaddr 4096 is allowed. */
UNIT_TEST(limits_are_inclusive)
{
	good();
	ph[2].p_vaddr = USER_TOP - 0x2000 + 0x10;
	ph[2].p_memsz = 0x2000 - 0x10;
	CHECK_EQ(check(), 0);
	CHECK_EQ(info.brk, USER_TOP);

	good();
	ph[0].p_vaddr = 0x1000;
	eh.e_entry = 0x1000;
	CHECK_EQ(check(), 0);
}

UNIT_TEST(empty_load_segment_is_skipped)
{
	good();
	ph[1] = load(0, 0x08060000, 0, 0, PF_R);
	CHECK_EQ(check(), 0);
	CHECK_EQ(info.nsegs, 2);
	CHECK_EQ(info.brk, 0x0804d000);
}

UNIT_TEST(short_file)
{
	good();
	img_size = sizeof(struct elf32_ehdr) - 1;
	CHECK_REJECT(check(), "too short");
	img_size = 0;
	CHECK_REJECT(check(), "too short");
}

UNIT_TEST(bad_magic)
{
	int i;

	for (i = 0; i < 4; i++) {
		good();
		eh.e_ident[i] ^=
		    0x20; /* "\x7fELF" -> "\x5fELF", "\x7feLF", ... */
		CHECK_REJECT(check(), "magic");
	}
}

UNIT_TEST(not_32_bit)
{
	good();
	eh.e_ident[EI_CLASS] = 2; /* ELFCLASS64 */
	CHECK_REJECT(check(), "32-bit");
}

UNIT_TEST(not_little_endian)
{
	good();
	eh.e_ident[EI_DATA] = 2; /* ELFDATA2MSB */
	CHECK_REJECT(check(), "little-endian");
}

UNIT_TEST(bad_ident_version)
{
	good();
	eh.e_ident[EI_VERSION] = 0;
	CHECK_REJECT(check(), "version");
}

UNIT_TEST(bad_header_version)
{
	good();
	eh.e_version = 2;
	CHECK_REJECT(check(), "version");
}

UNIT_TEST(not_exec_type)
{
	good();
	eh.e_type = ET_DYN; /* a PIE */
	CHECK_REJECT(check(), "ET_EXEC");
	eh.e_type = ET_REL;
	CHECK_REJECT(check(), "ET_EXEC");
}

UNIT_TEST(not_i386)
{
	good();
	eh.e_machine = EM_X86_64;
	CHECK_REJECT(check(), "i386");
}

UNIT_TEST(bad_phentsize)
{
	good();
	eh.e_phentsize = 56; /* an ELF64 program header */
	CHECK_REJECT(check(), "header size");
}

UNIT_TEST(phdr_table_past_end)
{
	good();
	eh.e_phoff = img_size - 3 * sizeof(struct elf32_phdr) + 4;
	CHECK_REJECT(check(), "program header table");
}

/* phoff + 3 * 32 wraps to 0x40 in 32 bits. */
UNIT_TEST(phdr_table_offset_overflows)
{
	good();
	eh.e_phoff = 0xFFFFFFE0u;
	CHECK_REJECT(check(), "program header table");
}

UNIT_TEST(no_load_segment)
{
	good();
	ph[0].p_type = PT_NOTE;
	ph[2].p_type = PT_NULL;
	CHECK_REJECT(check(), "no PT_LOAD");
	good();
	eh.e_phnum = 0;
	CHECK_REJECT(check(), "no PT_LOAD");
}

/* ELF_MAX_SEGS (8) one-page segments are fine; a ninth is not. */
UNIT_TEST(too_many_load_segments)
{
	uint32_t i;

	good();
	for (i = 0; i < ELF_MAX_SEGS; i++)
		ph[i] = load(0, 0x08048000 + i * 0x1000, 0x100, 0x1000,
			     PF_R | PF_X);
	eh.e_phnum = ELF_MAX_SEGS;
	CHECK_EQ(check(), 0);
	CHECK_EQ(info.nsegs, ELF_MAX_SEGS);
	CHECK_EQ(info.brk, 0x08048000 + ELF_MAX_SEGS * 0x1000);

	ph[ELF_MAX_SEGS] =
	    load(0, 0x08048000 + ELF_MAX_SEGS * 0x1000, 0x100, 0x1000, PF_R);
	eh.e_phnum = ELF_MAX_SEGS + 1;
	CHECK_REJECT(check(), "too many");
}

UNIT_TEST(filesz_above_memsz)
{
	good();
	ph[2].p_memsz = 0xFF;
	CHECK_REJECT(check(), "filesz > memsz");
}

UNIT_TEST(segment_bytes_past_end)
{
	good();
	ph[2].p_filesz = 0x101; /* one byte past img_size */
	CHECK_REJECT(check(), "outside the file");
}

/* offset + filesz = 0x1_0000_0010, which is 0x10 in 32 bits. */
UNIT_TEST(segment_offset_overflows)
{
	good();
	ph[2].p_offset = 0xFFFFF010u;
	ph[2].p_filesz = 0x1000;
	CHECK_REJECT(check(), "outside the file");
}

UNIT_TEST(segment_above_user_top)
{
	good();
	ph[2].p_vaddr = USER_TOP - 0x1000 + 0x10; /* .bss crosses USER_TOP */
	CHECK_REJECT(check(), "above user space");
}

/* With no user_top limit (64-bit host), 32-bit wrap is caught on its own. */
UNIT_TEST(segment_wraps_4g)
{
	good();
	ph[2].p_vaddr = 0xFFFFF010u;
	CHECK_REJECT(check_top(UINTPTR_MAX), "4 GiB");
	/* Ending exactly at 4 GiB leaves no 32-bit brk either. */
	ph[2].p_memsz = 0x1000 - 0x10;
	CHECK_REJECT(check_top(UINTPTR_MAX), "4 GiB");
}

UNIT_TEST(segment_in_page_zero)
{
	good();
	ph[2].p_vaddr = 0x10; /* congruent with offset 0x1010 */
	CHECK_REJECT(check(), "page 0");
}

UNIT_TEST(vaddr_offset_not_congruent)
{
	good();
	ph[2].p_vaddr = 0x0804a020;
	CHECK_REJECT(check(), "modulo");
}

UNIT_TEST(segments_overlap)
{
	good();
	ph[2].p_vaddr = 0x08048010; /* inside the text */
	CHECK_REJECT(check(), "share a page");
}

/* Text ends at 0x08049008, data starts at 0x08049010: same page. */
UNIT_TEST(segments_share_a_page_only_after_rounding)
{
	good();
	ph[0].p_memsz = 0x1008;
	ph[2].p_vaddr = 0x08049010;
	CHECK_REJECT(check(), "share a page");
}

UNIT_TEST(entry_outside_segments)
{
	good();
	eh.e_entry = 0x08060000;
	CHECK_REJECT(check(), "entry point");
	eh.e_entry = 0x08047FFF; /* one byte before the text */
	CHECK_REJECT(check(), "entry point");
	eh.e_entry = 0;
	CHECK_REJECT(check(), "entry point");
}

UNIT_TEST(entry_in_data_segment)
{
	good();
	eh.e_entry = 0x0804a010;
	CHECK_REJECT(check(), "entry point");
}

/* Code comes from the file: the zero-filled tail of a segment is not it. */
UNIT_TEST(entry_in_bss_of_text)
{
	good();
	ph[0].p_filesz = 0x80;
	CHECK_REJECT(check(), "entry point");
	ph[0].p_filesz = 0x81;
	CHECK_EQ(check(), 0);
}

UNIT_TEST(dynamic_executable)
{
	good();
	ph[1].p_type = PT_INTERP;
	CHECK_REJECT(check(), "PT_INTERP");
}

/* A real program, when MICA_TEST_ELF names one (a user/ binary). */
UNIT_TEST(real_binary)
{
	const char *path = getenv("MICA_TEST_ELF");
	uint8_t *image;
	uint32_t i;
	FILE *f;
	long n;

	if (!path || !*path)
		return; /* not asked for: nothing to check */
	f = fopen(path, "rb");
	CHECK(f != NULL);
	if (!f)
		return;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	image = malloc(n > 0 ? n : 1);
	CHECK(image && fread(image, 1, n, f) == (size_t)n);
	fclose(f);

	CHECK_EQ(elf_check(image, n, USER_TOP, &info), 0);
	CHECK_STR(info.why ? info.why : "accepted", "accepted");
	CHECK(info.nsegs >= 1);
	CHECK_EQ(info.brk % 4096, 0);
	for (i = 0; i < info.nsegs; i++)
		CHECK(info.segs[i].vaddr + (uint64_t)info.segs[i].memsz <=
		      info.brk);
	free(image);
}
