/*
 * crc32.c - CRC-32 computed one bit at a time (crc32.h).
 *
 * A CRC is the remainder of dividing the message, seen as a polynomial
 * over GF(2), by a fixed polynomial. This one is "reflected": bits are
 * taken low bit first, so the polynomial 0x04C11DB7 appears bit-reversed
 * as 0xEDB88320 and the register shifts right.
 *
 * No lookup table: eight shifts per byte is slow next to zlib, but the
 * kernel runs it once per initrd at boot, and there is nothing here to
 * get wrong or to initialise.
 */
#include "lib/crc32.h"

#define CRC32_POLY 0xEDB88320u /* 0x04C11DB7 with its bits reversed */

uint32_t crc32(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t crc = 0xFFFFFFFFu; /* so leading zero bytes still count */
	size_t i;
	int bit;

	for (i = 0; i < len; i++) {
		crc ^= p[i];
		for (bit = 0; bit < 8; bit++) {
			/* Subtract (xor) the polynomial when the bit out is 1. */
			if (crc & 1)
				crc = (crc >> 1) ^ CRC32_POLY;
			else
				crc >>= 1;
		}
	}
	return crc ^ 0xFFFFFFFFu;
}
