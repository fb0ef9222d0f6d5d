/*
 * initrd.c - check and search the initrd archive (initrd.h, docs/initrd.md).
 *
 * Every number in the archive comes from outside the kernel, so each one
 * is checked before it is used to compute an address, and sums that could
 * pass 4 GiB are done in 64 bits. Order matters: the header is checked
 * before the table is read, and the table's CRC before any entry in it.
 *
 * Only memcpy, memcmp, strnlen and strcmp come from lib/string.h, so the
 * unit tests can link this file alone against the host's C library.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "initrd.h"
#include "lib/crc32.h"
#include "lib/string.h"
#include <mica/errno.h>
#include <mica/syscall.h>

_Static_assert(sizeof(struct initrd_header) == INITRD_HDR_SIZE,
	       "initrd header layout");
_Static_assert(sizeof(struct initrd_entry) == INITRD_ENTRY_SIZE,
	       "initrd entry layout");
_Static_assert(INITRD_NAME_LEN == MICA_NAME_MAX,
	       "readdir hands out initrd names in MICA_NAME_MAX bytes");

/* The first byte after the header and count entries; 64 bits cannot wrap. */
static uint64_t table_end(uint32_t count)
{
	return INITRD_HDR_SIZE + (uint64_t)count * INITRD_ENTRY_SIZE;
}

/* Copies entry i out of the table; the caller has checked i < count. */
static void read_entry(const uint8_t *base, uint32_t i, struct initrd_entry *e)
{
	memcpy(e, base + INITRD_HDR_SIZE + (size_t)i * INITRD_ENTRY_SIZE,
	       sizeof *e);
}

/* The name is a C string that fits its field and is not empty. */
static bool name_ok(const struct initrd_entry *e)
{
	size_t len = strnlen(e->name, INITRD_NAME_LEN);

	return len > 0 && len < INITRD_NAME_LEN;
}

/*
 * The data lies after the entry table, aligned, and inside the archive.
 * In 64 bits offset + size cannot wrap, so a huge size cannot sneak
 * past the end check.
 */
static bool range_ok(const struct initrd_entry *e, uint32_t count,
		     uint32_t total)
{
	if (e->offset < table_end(count) || e->offset % INITRD_ALIGN != 0)
		return false;
	return (uint64_t)e->offset + e->size <= total;
}

/* Checks the header; on success sets *hdr. */
static int check_header(const uint8_t *base, size_t size,
			struct initrd_header *hdr)
{
	if (size < INITRD_HDR_SIZE)
		return -EINVAL;
	memcpy(hdr, base, sizeof *hdr);
	if (memcmp(hdr->magic, INITRD_MAGIC, INITRD_MAGIC_LEN) != 0)
		return -EINVAL;
	if (hdr->version != INITRD_VERSION)
		return -EINVAL;
	/* Shorter than the module is fine: GRUB may round a module up. */
	if (hdr->total_size > size)
		return -EINVAL;
	/*
	 * Also catches total_size < 24, as the table ends at 24 or later.
	 * In 32 bits, count * 48 would wrap for count >= 2^32 / 48.
	 */
	if (table_end(hdr->count) > hdr->total_size)
		return -EINVAL;
	return 0;
}

/* Checks entry i against the archive and against the previous name. */
static int check_entry(const uint8_t *base, const struct initrd_header *hdr,
		       uint32_t i)
{
	struct initrd_entry e, prev;

	read_entry(base, i, &e);
	if (!name_ok(&e))
		return -EINVAL;
	/* Sorted and unique, so a name means one file and ls is in order. */
	if (i > 0) {
		read_entry(base, i - 1, &prev);
		if (strcmp(prev.name, e.name) >= 0)
			return -EINVAL;
	}
	if (!range_ok(&e, hdr->count, hdr->total_size))
		return -EINVAL;
	if (crc32(base + e.offset, e.size) != e.crc)
		return -EIO;
	return 0;
}

int initrd_open(struct initrd *rd, const void *base, size_t size)
{
	const uint8_t *p = base;
	struct initrd_header hdr;
	uint32_t i;
	int err;

	rd->base = NULL;
	rd->size = 0;
	rd->count = 0;

	err = check_header(p, size, &hdr);
	if (err)
		return err;
	/* The table fits (checked above), so its CRC can be taken. */
	if (crc32(p + INITRD_HDR_SIZE, (size_t)hdr.count * INITRD_ENTRY_SIZE) !=
	    hdr.header_crc)
		return -EIO;
	for (i = 0; i < hdr.count; i++) {
		err = check_entry(p, &hdr, i);
		if (err)
			return err;
	}

	rd->base = p;
	rd->size = hdr.total_size;
	rd->count = hdr.count;
	return 0;
}

/* Hands out entry i's name, data and size, skipping NULL pointers. */
static void fill(const struct initrd *rd, uint32_t i, const char **name,
		 const void **data, uint32_t *size)
{
	const uint8_t *slot =
	    rd->base + INITRD_HDR_SIZE + (size_t)i * INITRD_ENTRY_SIZE;
	struct initrd_entry e;

	read_entry(rd->base, i, &e);
	if (name)
		*name =
		    (const char *)slot + offsetof(struct initrd_entry, name);
	if (data)
		*data = rd->base + e.offset;
	if (size)
		*size = e.size;
}

int initrd_find(const struct initrd *rd, const char *name, const void **data,
		uint32_t *size)
{
	struct initrd_entry e;
	uint32_t i;

	/*
	 * A linear scan: an initrd holds a few dozen files at most. Stored
	 * names are shorter than 32, so strcmp never matches a longer name.
	 */
	for (i = 0; i < rd->count; i++) {
		read_entry(rd->base, i, &e);
		if (strcmp(e.name, name) == 0) {
			fill(rd, i, NULL, data, size);
			return 0;
		}
	}
	return -ENOENT;
}

int initrd_entry(const struct initrd *rd, uint32_t index, const char **name,
		 const void **data, uint32_t *size)
{
	if (index >= rd->count)
		return -ENOENT;
	fill(rd, index, name, data, size);
	return 0;
}
