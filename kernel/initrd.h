/*
 * initrd.h - the read-only archive of user programs that GRUB loads as a
 * multiboot module (format: docs/initrd.md; written by tools/mkinitrd.py).
 *
 * This is pure parsing over a byte range: no allocation, no copying, no
 * kernel calls, so the host unit tests (tests/unit/test_initrd.c) run it
 * as it is. Names and data handed out point into the archive itself.
 *
 * initrd_open() checks the whole archive once; the other calls trust it
 * afterwards and so never fail on bad data, only on a missing name.
 */
#ifndef MICA_INITRD_H
#define MICA_INITRD_H

#include <stddef.h>
#include <stdint.h>

#define INITRD_MAGIC	  "MICAINRD" /* 8 bytes, no NUL */
#define INITRD_MAGIC_LEN  8
#define INITRD_VERSION	  1
#define INITRD_NAME_LEN	  32 /* name field, NUL included: 31 chars at most */
#define INITRD_ALIGN	  16 /* every file starts at a multiple of this */
#define INITRD_HDR_SIZE	  24
#define INITRD_ENTRY_SIZE 48

/*
 * The on-disk layout. Every integer is a little-endian uint32_t; mica only
 * runs (and is only tested) on little-endian x86, so the fields are read
 * directly. They are copied out with memcpy, never read in place, so the
 * archive need not be aligned in memory.
 */
struct initrd_header {
	char magic[INITRD_MAGIC_LEN];
	uint32_t version;
	uint32_t count;	     /* entries in the table that follows */
	uint32_t total_size; /* bytes of the archive, this header included */
	uint32_t header_crc; /* crc32 of the count * 48 bytes of entries */
};

struct initrd_entry {
	char name[INITRD_NAME_LEN]; /* NUL-terminated, NUL-padded */
	uint32_t offset;	    /* from the archive's first byte */
	uint32_t size;
	uint32_t crc;	   /* crc32 of the size bytes at offset */
	uint32_t reserved; /* written as 0; readers ignore it */
};

/* An opened archive. size is the header's total_size. */
struct initrd {
	const uint8_t *base;
	size_t size;
	uint32_t count;
};

/*
 * Checks the archive of size bytes at base and, if it is sound, fills rd.
 * size is the module's length; the archive may be shorter (GRUB can round
 * a module up), so total_size <= size is accepted and total_size is used.
 *
 * Returns 0, or (rd is then left unusable):
 *   -EINVAL  the archive is malformed:
 *            size < 24 (no room for the header); wrong magic; version
 *            not 1; total_size < 24 or > size; the entry table (count
 *            entries of 48 bytes) does not fit in total_size; an entry
 *            whose name is empty or not NUL-terminated within 32 bytes;
 *            names not in strictly increasing strcmp order (so they are
 *            sorted and unique); an entry whose data starts inside the
 *            header or entry table, is not 16-byte aligned, or does not
 *            end within total_size.
 *   -EIO     the layout is sound but the bytes are damaged: the entry
 *            table's CRC (header_crc) or a file's CRC does not match.
 */
int initrd_open(struct initrd *rd, const void *base, size_t size);

/*
 * Looks a file up by its exact name. On success sets *data and *size (each
 * may be NULL if not wanted) and returns 0; returns -ENOENT if there is no
 * such file. A name of 32 or more characters never matches.
 */
int initrd_find(const struct initrd *rd, const char *name, const void **data,
		uint32_t *size);

/*
 * The index'th file, in name order, for readdir: sets *name (a string in
 * the archive), *data and *size (each may be NULL) and returns 0, or
 * returns -ENOENT if index >= rd->count.
 */
int initrd_entry(const struct initrd *rd, uint32_t index, const char **name,
		 const void **data, uint32_t *size);

#endif
