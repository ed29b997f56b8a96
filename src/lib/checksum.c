/*
 * checksum.c - the Internet checksum (RFC 1071) and its incremental update
 * (RFC 1624); see checksum.h.
 *
 * The bulk sum reads the buffer 8 bytes at a time in native byte order
 * (memcpy, so any alignment is fine) into a 64-bit accumulator with
 * end-around carry, folds it to 16 bits and byte-swaps once at the end on
 * a little-endian host: the one's complement sum commutes with swapping
 * the bytes of every word (RFC 1071 section 2(B)).
 */
#include "lib/checksum.h"

#include <string.h>

static inline uint64_t add64(uint64_t acc, uint64_t w)
{
	acc += w;
	return acc + (acc < w);
}

static uint16_t fold64(uint64_t s)
{
	s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static uint64_t sum_native(const uint8_t *p, size_t len)
{
	uint64_t acc = 0, w0, w1, w2, w3;
	uint32_t w32;
	uint16_t w16;

	while (len >= 32) {
		memcpy(&w0, p, 8);
		memcpy(&w1, p + 8, 8);
		memcpy(&w2, p + 16, 8);
		memcpy(&w3, p + 24, 8);
		acc = add64(acc, w0);
		acc = add64(acc, w1);
		acc = add64(acc, w2);
		acc = add64(acc, w3);
		p += 32;
		len -= 32;
	}
	while (len >= 8) {
		memcpy(&w0, p, 8);
		acc = add64(acc, w0);
		p += 8;
		len -= 8;
	}
	if (len >= 4) {
		memcpy(&w32, p, 4);
		acc = add64(acc, w32);
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		memcpy(&w16, p, 2);
		acc = add64(acc, w16);
		p += 2;
		len -= 2;
	}
	if (len) {
		/* The odd byte is the high half of a word padded with zero. */
		uint8_t last[2] = { p[0], 0 };

		memcpy(&w16, last, 2);
		acc = add64(acc, w16);
	}
	return acc;
}

uint32_t csum_partial(const void *buf, size_t len, uint32_t sum)
{
	uint16_t s = fold64(sum_native(buf, len));

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	s = __builtin_bswap16(s);
#endif
	return csum_add(sum, s);
}

uint32_t csum_block_add(uint32_t sum, uint32_t sum2, size_t offset)
{
	if (offset & 1) {
		uint16_t s = fold64(sum2);

		sum2 = __builtin_bswap16(s);
	}
	return csum_add(sum, sum2);
}

uint16_t csum_fold(uint32_t sum)
{
	return (uint16_t)~fold64(sum);
}

uint32_t csum_tcpudp_nofold(uint32_t saddr, uint32_t daddr, uint32_t len,
			    uint8_t proto, uint32_t sum)
{
	uint64_t s = (uint64_t)sum + saddr + daddr + len + proto;

	s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffffffffu) + (s >> 32);
	return (uint32_t)s;
}

uint16_t csum_replace2(uint16_t check, uint16_t from, uint16_t to)
{
	uint32_t s = (uint16_t)~check + (uint32_t)(uint16_t)~from + to;

	return csum_fold(s);
}

uint16_t csum_replace4(uint16_t check, uint32_t from, uint32_t to)
{
	uint64_t s = (uint16_t)~check;

	s += (uint16_t) ~(from >> 16) + (uint32_t)(uint16_t)~from;
	s += (to >> 16) + (to & 0xffff);
	return (uint16_t)~fold64(s);
}
