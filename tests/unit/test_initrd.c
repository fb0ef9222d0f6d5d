/*
 * test_initrd.c - host tests for kernel/initrd.c and kernel/lib/crc32.c.
 *
 * Archives are built here by a small writer of our own, independent of
 * tools/mkinitrd.py, so a bug shared by the two would have to be made
 * twice. Each corruption test breaks one field and then repairs every
 * CRC that the change upset (refresh()), so the archive is wrong in
 * exactly one way and only the check under test can catch it.
 *
 * MICA_TEST_INITRD=path also runs the reader over an archive written by
 * tools/mkinitrd.py (see python_tool_archive).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "initrd.h"
#include "lib/crc32.h"
#include <mica/errno.h>

#define ARCHIVE_MAX 4096

struct file {
	const char *name;
	const char *data;
	uint32_t size;
};

/* The good archive: three files given in name order, one of them empty. */
static const struct file three[] = {
    {"a.txt", "alpha", 5},
    {"empty", "", 0},
    {"hello", "hello, world\n", 13},
};

static uint32_t get32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

/* Where the fields of header and entry i live in the buffer. */
#define H_MAGIC	      0
#define H_VERSION     8
#define H_COUNT	      12
#define H_TOTAL	      16
#define H_CRC	      20
#define E(i)	      (24 + 48 * (i))
#define E_NAME(i)     E(i)
#define E_OFFSET(i)   (E(i) + 32)
#define E_SIZE(i)     (E(i) + 36)
#define E_CRC(i)      (E(i) + 40)
#define E_RESERVED(i) (E(i) + 44)

/* Writes files (already sorted) into buf as an archive; returns its size. */
static size_t build(uint8_t *buf, const struct file *files, uint32_t n)
{
	uint32_t i, pos = 24 + 48 * n;

	memset(buf, 0, ARCHIVE_MAX);
	memcpy(buf + H_MAGIC, "MICAINRD", 8);
	put32(buf + H_VERSION, 1);
	put32(buf + H_COUNT, n);
	for (i = 0; i < n; i++) {
		pos = (pos + 15) & ~15u;
		strncpy((char *)buf + E_NAME(i), files[i].name, 32);
		put32(buf + E_OFFSET(i), pos);
		put32(buf + E_SIZE(i), files[i].size);
		put32(buf + E_CRC(i), crc32(files[i].data, files[i].size));
		memcpy(buf + pos, files[i].data, files[i].size);
		pos += files[i].size;
	}
	put32(buf + H_TOTAL, pos);
	put32(buf + H_CRC, crc32(buf + 24, 48 * n));
	return pos;
}

/* Recomputes entry i's data CRC (if its range is in the buffer) and then
 * the table's CRC, after a test has changed a field. */
static void refresh(uint8_t *buf, uint32_t i)
{
	uint64_t off = get32(buf + E_OFFSET(i)), size = get32(buf + E_SIZE(i));

	if (off + size <= ARCHIVE_MAX)
		put32(buf + E_CRC(i), crc32(buf + off, size));
	put32(buf + H_CRC, crc32(buf + 24, 48 * get32(buf + H_COUNT)));
}

static uint8_t buf[ARCHIVE_MAX];
static struct initrd rd;

UNIT_TEST(crc32_check_value)
{
	CHECK_EQ(crc32("123456789", 9), 0xCBF43926u);
	CHECK_EQ(crc32("", 0), 0);
	CHECK_EQ(crc32("a", 1), 0xE8B7BE43u);
}

UNIT_TEST(good_archive_opens_finds_lists)
{
	size_t size = build(buf, three, 3);
	const void *data;
	const char *name;
	uint32_t len, i;

	CHECK_EQ(initrd_open(&rd, buf, size), 0);
	CHECK_EQ(rd.count, 3);
	CHECK_EQ(rd.size, size);
	CHECK(rd.base == buf);

	CHECK_EQ(initrd_find(&rd, "hello", &data, &len), 0);
	CHECK_EQ(len, 13);
	CHECK(memcmp(data, "hello, world\n", 13) == 0);
	CHECK_EQ((uintptr_t)data % 16, (uintptr_t)buf % 16);
	CHECK_EQ(initrd_find(&rd, "empty", &data, &len), 0);
	CHECK_EQ(len, 0);
	CHECK_EQ(initrd_find(&rd, "a.txt", NULL, NULL), 0);

	for (i = 0; i < 3; i++) {
		CHECK_EQ(initrd_entry(&rd, i, &name, &data, &len), 0);
		CHECK_STR(name, three[i].name);
		CHECK_EQ(len, three[i].size);
		CHECK(memcmp(data, three[i].data, len) == 0);
	}
	CHECK_EQ(initrd_entry(&rd, 3, &name, &data, &len), -ENOENT);
	CHECK_EQ(initrd_entry(&rd, UINT32_MAX, NULL, NULL, NULL), -ENOENT);
}

UNIT_TEST(find_is_exact)
{
	CHECK_EQ(initrd_open(&rd, buf, build(buf, three, 3)), 0);
	CHECK_EQ(initrd_find(&rd, "hell", NULL, NULL), -ENOENT);
	CHECK_EQ(initrd_find(&rd, "hello.txt", NULL, NULL), -ENOENT);
	CHECK_EQ(initrd_find(&rd, "HELLO", NULL, NULL), -ENOENT);
	CHECK_EQ(initrd_find(&rd, "", NULL, NULL), -ENOENT);
}

UNIT_TEST(longest_name_and_one_longer)
{
	static const char n31[] = "abcdefghijklmnopqrstuvwxyz01234";
	static const char n32[] = "abcdefghijklmnopqrstuvwxyz012345";
	const struct file f = {n31, "x", 1};
	const char *name;

	CHECK_EQ(strlen(n31), 31);
	CHECK_EQ(initrd_open(&rd, buf, build(buf, &f, 1)), 0);
	CHECK_EQ(initrd_find(&rd, n31, NULL, NULL), 0);
	CHECK_EQ(initrd_entry(&rd, 0, &name, NULL, NULL), 0);
	CHECK_STR(name, n31);
	/* Its first 31 characters are a stored name; it still must not match. */
	CHECK_EQ(initrd_find(&rd, n32, NULL, NULL), -ENOENT);
}

UNIT_TEST(empty_archive_is_valid)
{
	size_t size = build(buf, NULL, 0);

	CHECK_EQ(size, 24);
	CHECK_EQ(initrd_open(&rd, buf, size), 0);
	CHECK_EQ(rd.count, 0);
	CHECK_EQ(initrd_find(&rd, "a.txt", NULL, NULL), -ENOENT);
	CHECK_EQ(initrd_entry(&rd, 0, NULL, NULL, NULL), -ENOENT);
}

/* GRUB may hand over a module longer than the archive: use total_size. */
UNIT_TEST(module_longer_than_archive)
{
	size_t size = build(buf, three, 3);

	CHECK_EQ(initrd_open(&rd, buf, size + 100), 0);
	CHECK_EQ(rd.size, size);
}

/* A copy of exactly 23 bytes, so that ASan sees any read past them. */
UNIT_TEST(short_buffer)
{
	size_t size = build(buf, three, 3);
	uint8_t *copy = malloc(23);

	memcpy(copy, buf, 23);
	CHECK_EQ(initrd_open(&rd, copy, 23), -EINVAL);
	CHECK_EQ(initrd_open(&rd, copy, 0), -EINVAL);
	free(copy);
	CHECK_EQ(initrd_open(&rd, buf, size - 1), -EINVAL);
	CHECK_EQ(rd.count, 0);
}

UNIT_TEST(bad_magic)
{
	size_t size = build(buf, three, 3);

	buf[7] = 'X';
	CHECK_EQ(initrd_open(&rd, buf, size), -EINVAL);
}

UNIT_TEST(bad_version)
{
	size_t size = build(buf, three, 3);

	put32(buf + H_VERSION, 2);
	CHECK_EQ(initrd_open(&rd, buf, size), -EINVAL);
	put32(buf + H_VERSION, 0);
	CHECK_EQ(initrd_open(&rd, buf, size), -EINVAL);
}

UNIT_TEST(total_size_larger_than_buffer)
{
	size_t size = build(buf, three, 3);

	put32(buf + H_TOTAL, size + 1);
	CHECK_EQ(initrd_open(&rd, buf, size), -EINVAL);
	put32(buf + H_TOTAL, UINT32_MAX);
	CHECK_EQ(initrd_open(&rd, buf, size), -EINVAL);
}

UNIT_TEST(total_size_smaller_than_header)
{
	build(buf, NULL, 0);
	put32(buf + H_TOTAL, 23);
	CHECK_EQ(initrd_open(&rd, buf, ARCHIVE_MAX), -EINVAL);
}

/* The table of count entries must fit; the last case wraps in 32 bits. */
UNIT_TEST(count_too_large)
{
	size_t size = build(buf, three, 3);

	put32(buf + H_COUNT, 4);
	CHECK_EQ(initrd_open(&rd, buf, size), -EINVAL);
	put32(buf + H_COUNT, UINT32_MAX);
	CHECK_EQ(initrd_open(&rd, buf, size), -EINVAL);
	/* 0x05555556 * 48 = 0x1_0000_0020: 32 bytes once truncated. */
	put32(buf + H_COUNT, 0x05555556u);
	CHECK_EQ(initrd_open(&rd, buf, size), -EINVAL);
}

UNIT_TEST(entry_offset_past_end)
{
	size_t size = build(buf, three, 3);

	put32(buf + E_OFFSET(2), (size + 16) & ~15u);
	put32(buf + E_SIZE(2), 0); /* even an empty file cannot start there */
	refresh(buf, 2);
	CHECK_EQ(initrd_open(&rd, buf, size), -EINVAL);
}

UNIT_TEST(entry_size_past_end)
{
	size_t size = build(buf, three, 3);

	put32(buf + E_SIZE(2), get32(buf + E_SIZE(2)) + 1);
	refresh(buf, 2);
	CHECK_EQ(initrd_open(&rd, buf, size), -EINVAL);
}

/* offset + size wraps to a small number in 32 bits. */
UNIT_TEST(offset_plus_size_overflows)
{
	size_t size = build(buf, three, 3);

	put32(buf + E_SIZE(0), 0xFFFFFFF0u);
	refresh(buf, 0);
	CHECK_EQ(initrd_open(&rd, buf, size), -EINVAL);
}

UNIT_TEST(unaligned_offset)
{
	size_t size = build(buf, three, 3);

	put32(buf + E_OFFSET(0), get32(buf + E_OFFSET(0)) + 1);
	refresh(buf, 0); /* the CRC now matches the shifted bytes */
	CHECK_EQ(initrd_open(&rd, buf, size), -EINVAL);
}

/* Offsets 0 and 16 are aligned, but land in the header and the table. */
UNIT_TEST(offset_inside_header_or_table)
{
	size_t size = build(buf, three, 3);

	put32(buf + E_OFFSET(0), 0);
	put32(buf + E_SIZE(0), 16); /* magic, version, count: CRC-stable */
	refresh(buf, 0);
	CHECK_EQ(initrd_open(&rd, buf, size), -EINVAL);

	size = build(buf, three, 3);
	put32(buf + E_OFFSET(1), 64); /* inside entry 0; size 0, crc 0 */
	refresh(buf, 1);
	CHECK_EQ(initrd_open(&rd, buf, size), -EINVAL);
}

UNIT_TEST(unterminated_name)
{
	size_t size = build(buf, three, 3);

	memset(buf + E_NAME(2), 'z', 32); /* still sorts last */
	refresh(buf, 2);
	CHECK_EQ(initrd_open(&rd, buf, size), -EINVAL);
}

UNIT_TEST(empty_name)
{
	size_t size = build(buf, three, 3);

	memset(buf + E_NAME(0), 0, 32); /* "" still sorts first */
	refresh(buf, 0);
	CHECK_EQ(initrd_open(&rd, buf, size), -EINVAL);
}

UNIT_TEST(names_unsorted_or_duplicated)
{
	const struct file backwards[] = {{"b", "1", 1}, {"a", "2", 1}};
	const struct file twice[] = {{"a", "1", 1}, {"a", "2", 1}};

	CHECK_EQ(initrd_open(&rd, buf, build(buf, backwards, 2)), -EINVAL);
	CHECK_EQ(initrd_open(&rd, buf, build(buf, twice, 2)), -EINVAL);
}

UNIT_TEST(header_crc_wrong)
{
	size_t size = build(buf, three, 3);

	/* A reserved byte: no check but the CRC looks at it. */
	buf[E_RESERVED(1)] ^= 1;
	CHECK_EQ(initrd_open(&rd, buf, size), -EIO);

	size = build(buf, three, 3);
	put32(buf + H_CRC, get32(buf + H_CRC) ^ 0x80000000u);
	CHECK_EQ(initrd_open(&rd, buf, size), -EIO);
}

UNIT_TEST(data_crc_wrong)
{
	size_t size = build(buf, three, 3);
	uint32_t off = get32(buf + E_OFFSET(2));

	buf[off + 5] ^= 0x20; /* "hello, world" loses its comma */
	CHECK_EQ(initrd_open(&rd, buf, size), -EIO);

	/* The last byte of the last file, right at total_size - 1. */
	size = build(buf, three, 3);
	buf[size - 1] ^= 1;
	CHECK_EQ(initrd_open(&rd, buf, size), -EIO);
}

/*
 * An archive written by tools/mkinitrd.py, when MICA_TEST_INITRD names
 * one: it must open, and every listed name must be found again.
 */
UNIT_TEST(python_tool_archive)
{
	const char *path = getenv("MICA_TEST_INITRD");
	const void *data, *found;
	uint32_t i, len, found_len;
	const char *name;
	uint8_t *image;
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

	CHECK_EQ(initrd_open(&rd, image, n), 0);
	CHECK_EQ(rd.size, n);
	for (i = 0; i < rd.count; i++) {
		CHECK_EQ(initrd_entry(&rd, i, &name, &data, &len), 0);
		CHECK_EQ(initrd_find(&rd, name, &found, &found_len), 0);
		CHECK(found == data);
		CHECK_EQ(found_len, len);
		CHECK_EQ(((const uint8_t *)data - image) % 16, 0);
	}
	free(image);
}
