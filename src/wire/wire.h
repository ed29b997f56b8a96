/*
 * wire.h - what every packet format in src/wire shares: the parse results
 * and the big-endian accessors.
 *
 * src/wire turns bytes into plain host-order structs and back, nothing
 * else: no state, no allocation, no time.  Each protocol has a header
 * (ether.h, arp.h, ipv4.h, icmp.h, udp.h, tcp.h) with a struct
 * xxx_hdr_info and two functions:
 *
 *   int xxx_parse(const uint8_t *buf, size_t len, ..., struct xxx_hdr_info *out);
 *	the checked constructor: WIRE_OK, or the first reason below that
 *	applies.  It never reads outside buf[0..len) and trusts no length
 *	field until it has checked it against len.
 *   size_t xxx_emit(const struct xxx_hdr_info *in, ..., uint8_t *buf, size_t room);
 *	writes the header, computes its checksum, returns the bytes written
 *	or 0 when @room (or a field of @in) does not allow it.
 *
 * Protocol code (src/inet) reads and writes packets only through these,
 * and maps a wire_err to a counted drop reason (core/dropreason.h).
 */
#ifndef USNET_WIRE_WIRE_H
#define USNET_WIRE_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Why a parser refused a packet.  Each protocol documents which of these
 * it returns; the first failing check wins, in the order Linux makes them.
 */
enum wire_err {
	/* accepted */
	WIRE_OK = 0,
	/* the buffer is shorter than the fixed part of the header (or, for
	 * an ICMP error, than the quoted IPv4 header plus 8 bytes) */
	WIRE_ERR_TRUNCATED,
	/* IPv4 version field is not 4 (RFC 791 3.1) */
	WIRE_ERR_VERSION,
	/* IPv4 IHL below 5 or past the end of the buffer (RFC 791 3.1,
	 * RFC 1122 3.2.1.2) */
	WIRE_ERR_HDR_LEN,
	/* a datagram length field (IPv4 total length, UDP length) is
	 * smaller than its header or larger than the buffer (RFC 791 3.1,
	 * RFC 768) */
	WIRE_ERR_TOTAL_LEN,
	/* a checksum does not verify (RFC 1071) */
	WIRE_ERR_CHECKSUM,
	/* TCP data offset below 5 or past the end of the segment
	 * (RFC 9293 3.1) */
	WIRE_ERR_DATA_OFFSET,
	/* a TCP option's length is 0 or 1, runs past the option space, or
	 * is not the one its kind requires (RFC 9293 3.1, MUST-7) */
	WIRE_ERR_OPTION,
	/* well formed, but a variant usnet does not speak: ARP for other
	 * hardware or protocols, or an ARP opcode other than request and
	 * reply (Linux's arp_rcv() and arp_process() drop these too) */
	WIRE_ERR_UNSUPPORTED,
	WIRE_ERR_MAX
};

/**
 * wire_err_name - a parse result's name, for logs
 * @err: a value of enum wire_err
 *
 * Return: "TRUNCATED" for WIRE_ERR_TRUNCATED and so on; "?" for a value
 * outside the enum.
 */
const char *wire_err_name(int err);

/* Big-endian fields at any alignment (never ntohs() on a cast pointer). */
static inline uint16_t wire_get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t wire_get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline void wire_put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void wire_put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/*
 * The addresses of the IPv4 pseudo-header that the TCP and UDP checksums
 * cover (RFC 9293 3.1, RFC 768); the protocol and length are implied by
 * the call.  Host order.
 */
struct wire_pseudo {
	uint32_t saddr;
	uint32_t daddr;
};

#endif
