/*
 * checksum.h - the Internet checksum (RFC 1071) and its incremental update
 * (RFC 1624).
 *
 * Sits in src/lib, below src/wire (which fills and checks the IPv4, ICMP,
 * UDP and TCP checksum fields) and the forwarding path (which patches TTL
 * with csum_replace2()).  No state.
 *
 * Every value here is in host order: a "partial sum" is the one's
 * complement sum of the data read as big-endian 16-bit words, kept in 32
 * bits and not yet folded; a "checksum" is the folded, complemented 16-bit
 * value that goes into a header field (written with wire_put_be16()).
 * Linux's names are kept (csum_partial, csum_fold, csum_tcpudp_magic,
 * csum_replace2) but Linux's __wsum/__sum16 live in network order and
 * these do not.
 */
#ifndef USNET_LIB_CHECKSUM_H
#define USNET_LIB_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

/**
 * csum_partial - add the 16-bit words of a buffer to a partial sum
 * @buf: the data, at any alignment
 * @len: its length in bytes; an odd last byte counts as its high byte
 *       padded with a zero (RFC 1071 section 1)
 * @sum: the partial sum so far (0 to start)
 *
 * Chaining calls is exact only while every buffer but the last has an even
 * length; otherwise combine with csum_block_add().
 *
 * Return: the new partial sum.
 */
uint32_t csum_partial(const void *buf, size_t len, uint32_t sum);

/**
 * csum_add - one's complement sum of two partial sums
 * @a: a partial sum
 * @b: another
 *
 * Return: a + b with the end-around carry.
 */
static inline uint32_t csum_add(uint32_t a, uint32_t b)
{
	uint32_t s = a + b;

	return s + (s < a);
}

/**
 * csum_block_add - append the partial sum of a block that started @offset
 *                  bytes into the data
 * @sum: the partial sum of the data before the block
 * @sum2: csum_partial() of the block alone
 * @offset: where the block starts; if odd, its words straddle ours and
 *          @sum2 is byte-swapped before adding (RFC 1071 section 2(B))
 *
 * Return: the partial sum of both.
 */
uint32_t csum_block_add(uint32_t sum, uint32_t sum2, size_t offset);

/**
 * csum_fold - turn a partial sum into the checksum a header carries
 * @sum: a partial sum
 *
 * Return: the one's complement of @sum folded to 16 bits.  Over data that
 * includes a correct checksum field this is 0.
 */
uint16_t csum_fold(uint32_t sum);

/**
 * csum_tcpudp_nofold - add the IPv4 pseudo-header to a partial sum
 * @saddr: source address
 * @daddr: destination address
 * @len: the TCP or UDP length (header plus data)
 * @proto: the IP protocol number
 * @sum: the partial sum of the TCP or UDP header and data
 *
 * The pseudo-header is RFC 9293 section 3.1 (TCP) and RFC 768 (UDP).
 *
 * Return: the partial sum including the pseudo-header.
 */
uint32_t csum_tcpudp_nofold(uint32_t saddr, uint32_t daddr, uint32_t len,
			    uint8_t proto, uint32_t sum);

/**
 * csum_tcpudp_magic - the TCP or UDP checksum from a payload's partial sum
 * @saddr: source address
 * @daddr: destination address
 * @len: the TCP or UDP length (header plus data)
 * @proto: the IP protocol number
 * @sum: the partial sum of the TCP or UDP header and data
 *
 * Return: csum_fold() of the sum with the pseudo-header: the field value
 * when computed with the field zeroed, 0 when verifying a correct segment.
 */
static inline uint16_t csum_tcpudp_magic(uint32_t saddr, uint32_t daddr,
					 uint32_t len, uint8_t proto,
					 uint32_t sum)
{
	return csum_fold(csum_tcpudp_nofold(saddr, daddr, len, proto, sum));
}

/**
 * csum_replace2 - update a checksum for a changed 16-bit word
 * @check: the checksum field as it is
 * @from: the word's old value
 * @to: the word's new value
 *
 * RFC 1624 section 3, eqn. 3: HC' = ~(~HC + ~m + m'), which, unlike
 * eqn. 2, never produces 0xffff where recomputing gives 0 (RFC 1624
 * section 4).  Typical use: the TTL/protocol word on a TTL decrement.
 *
 * Return: the new checksum field.
 */
uint16_t csum_replace2(uint16_t check, uint16_t from, uint16_t to);

/**
 * csum_replace4 - update a checksum for a changed 32-bit field
 * @check: the checksum field as it is
 * @from: the field's old value (e.g. an address)
 * @to: the field's new value
 *
 * RFC 1624 eqn. 3 applied to both 16-bit halves.
 *
 * Return: the new checksum field.
 */
uint16_t csum_replace4(uint16_t check, uint32_t from, uint32_t to);

#endif
