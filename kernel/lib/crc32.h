/*
 * crc32.h - the CRC-32 used by zip, PNG, Ethernet and zlib.crc32.
 *
 * The initrd stores one for its entry table and one per file, so that a
 * damaged or truncated module is noticed at boot instead of crashing a
 * program later.
 */
#ifndef MICA_LIB_CRC32_H
#define MICA_LIB_CRC32_H

#include <stddef.h>
#include <stdint.h>

/*
 * Returns the CRC-32 (IEEE 802.3, reflected, initial value and final xor
 * 0xFFFFFFFF) of len bytes at data. crc32("123456789", 9) == 0xCBF43926.
 */
uint32_t crc32(const void *data, size_t len);

#endif
