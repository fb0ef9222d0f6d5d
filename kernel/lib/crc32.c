/*
 * crc32.c - CRC-32, the one zlib and PNG use (crc32.h).
 *
 * A CRC is the remainder of dividing the message, seen as a polynomial
 * over GF(2), by a fixed polynomial. This one is "reflected": bits are
 * taken low bit first, so the polynomial 0x04C11DB7 appears bit-reversed
 * as 0xEDB88320 and the register shifts right.
 *
 * crc32_byte_slow() is the definition, one bit at a time. Doing those
 * eight steps for every byte of a 1.6 MB initrd was most of mica's boot
 * time, so crc32() looks the eight steps up instead: table[b] is what
 * they do to a register whose low byte is b. The table is built from the
 * slow version the first time it is needed.
 */
#include <stdbool.h>

#include "lib/crc32.h"

#define CRC32_POLY 0xEDB88320u /* 0x04C11DB7 with its bits reversed */

/* Feed the 8 low bits of crc through the divider, one bit at a time. */
static uint32_t crc32_byte_slow(uint32_t crc)
{
	for (int bit = 0; bit < 8; bit++) {
		/* Subtract (xor) the polynomial when the bit out is 1. */
		if (crc & 1)
			crc = (crc >> 1) ^ CRC32_POLY;
		else
			crc >>= 1;
	}
	return crc;
}

static uint32_t table[256];
static bool table_ready;

uint32_t crc32(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t crc = 0xFFFFFFFFu; /* so leading zero bytes still count */

	if (!table_ready) {
		for (uint32_t b = 0; b < 256; b++)
			table[b] = crc32_byte_slow(b);
		table_ready = true;
	}
	for (size_t i = 0; i < len; i++)
		crc = (crc >> 8) ^ table[(crc ^ p[i]) & 0xFF];
	return crc ^ 0xFFFFFFFFu;
}
