/*
 * fuzz_initrd.c - libFuzzer target for the initrd parser (kernel/initrd.c).
 *
 * initrd_open must reject any malformed archive without reading outside
 * it; for an archive it accepts, initrd_entry and initrd_find must hand
 * out only names and data inside it, and agree with each other.
 *
 * Random bytes almost never have the right CRCs, which would stop the
 * fuzzer at the first check. So when the first byte is odd, the harness
 * fixes the CRCs up (the header's, and each entry's whose data lies in
 * the buffer) before parsing, to reach the code behind them.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "initrd.h"
#include "lib/crc32.h"
#include <mica/errno.h>
#include "promise.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

/* Make the CRCs right, where the layout lets us compute them. */
static void fix_crcs(uint8_t *a, size_t size)
{
	uint32_t count, table;

	if (size < INITRD_HDR_SIZE)
		return;
	count = get32(a + 12);
	if (count > (size - INITRD_HDR_SIZE) / INITRD_ENTRY_SIZE)
		return;
	table = count * INITRD_ENTRY_SIZE;
	for (uint32_t i = 0; i < count; i++) {
		uint8_t *e = a + INITRD_HDR_SIZE + i * INITRD_ENTRY_SIZE;
		uint32_t off = get32(e + 32), len = get32(e + 36);

		if (off <= size && len <= size - off)
			put32(e + 40, crc32(a + off, len));
	}
	put32(a + 20, crc32(a + INITRD_HDR_SIZE, table));
}

static int in(const struct initrd *rd, const void *p, size_t n)
{
	const uint8_t *b = p;

	return b >= rd->base && b <= rd->base + rd->size &&
	       n <= (size_t)(rd->base + rd->size - b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *a = malloc(size ? size : 1);
	struct initrd rd;
	int r;

	memcpy(a, data, size);
	if (size && (data[0] & 1)) {
		/* The first byte chose the fix-up; it must still be 'M' for
		 * the magic, so the fuzzer flips its low bit instead. */
		a[0] = 'M';
		fix_crcs(a, size);
	}
	r = initrd_open(&rd, a, size);
	if (r != 0) {
		PROMISE(r == -EINVAL || r == -EIO);
		free(a);
		return 0;
	}
	PROMISE(rd.base == a && rd.size <= size);
	for (uint32_t i = 0; i < rd.count; i++) {
		const char *name;
		const void *d, *d2;
		uint32_t n, n2;

		PROMISE(initrd_entry(&rd, i, &name, &d, &n) == 0);
		PROMISE(in(&rd, name, 1));
		PROMISE(memchr(name, 0, INITRD_NAME_LEN) != NULL);
		PROMISE(name[0] != '\0');
		PROMISE(in(&rd, d, n));
		PROMISE(initrd_find(&rd, name, &d2, &n2) == 0);
		PROMISE(d2 == d && n2 == n);
		PROMISE(initrd_entry(&rd, i, NULL, NULL, NULL) == 0);
	}
	PROMISE(initrd_entry(&rd, rd.count, NULL, NULL, NULL) == -ENOENT);
	PROMISE(initrd_find(&rd, "", NULL, NULL) == -ENOENT);
	/* A name from the input's tail: found or not, never out of bounds. */
	if (size >= 8) {
		char name[40];
		size_t n = size - 8 < 39 ? size - 8 : 39;
		const void *d;
		uint32_t len;

		memcpy(name, data + 8, n);
		name[n] = '\0';
		if (initrd_find(&rd, name, &d, &len) == 0)
			PROMISE(in(&rd, d, len));
	}
	free(a);
	return 0;
}
