/*
 * icmp.h - ICMP messages (RFC 792), bytes <-> struct icmp_hdr_info.
 *
 * Sits above ipv4.h: ip_input hands the payload of an IPPROTO_ICMP
 * datagram to src/inet's icmp, which parses it here; icmp_send() builds
 * echo replies and errors here.  For the error messages (destination
 * unreachable, source quench, redirect, time exceeded, parameter
 * problem) parse also checks and decodes the quoted datagram that tells
 * the receiver which socket the error is for.
 */
#ifndef USNET_WIRE_ICMP_H
#define USNET_WIRE_ICMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/ipv4.h"
#include "wire/wire.h"

#define ICMP_HLEN 8

/* Types (RFC 792; Linux's ICMP_* without the prefix clash). */
enum {
	ICMP_TYPE_ECHO_REPLY = 0,
	ICMP_TYPE_DEST_UNREACH = 3,
	ICMP_TYPE_SOURCE_QUENCH = 4,
	ICMP_TYPE_REDIRECT = 5,
	ICMP_TYPE_ECHO = 8,
	ICMP_TYPE_TIME_EXCEEDED = 11,
	ICMP_TYPE_PARAMETERPROB = 12,
	ICMP_TYPE_TIMESTAMP = 13,
	ICMP_TYPE_TIMESTAMP_REPLY = 14,
	/* RFC 8335 (PROBE): the identifier is the high half of the second
	 * word, as in an echo, but parse and emit leave the word in rest */
	ICMP_TYPE_EXT_ECHO = 42,
	ICMP_TYPE_EXT_ECHO_REPLY = 43,
};

/* Destination unreachable codes (RFC 792, RFC 1122 3.2.2.1, RFC 1812). */
enum {
	ICMP_CODE_NET_UNREACH = 0,
	ICMP_CODE_HOST_UNREACH = 1,
	ICMP_CODE_PROT_UNREACH = 2,
	ICMP_CODE_PORT_UNREACH = 3,
	ICMP_CODE_FRAG_NEEDED = 4, /* with the next-hop MTU (RFC 1191 4) */
	ICMP_CODE_SR_FAILED = 5,
	ICMP_CODE_PKT_FILTERED = 13,
};

/* Time exceeded codes (RFC 792). */
enum {
	ICMP_CODE_EXC_TTL = 0,
	ICMP_CODE_EXC_FRAGTIME = 1,
};

struct icmp_hdr_info {
	uint8_t type;
	uint8_t code;
	/* parse only: the checksum field as received */
	uint16_t check;
	/* echo, echo reply, timestamp, timestamp reply: identifier and
	 * sequence number (RFC 792) */
	uint16_t id;
	uint16_t seq;
	/* destination unreachable: the next-hop MTU, 0 from routers older
	 * than RFC 1191 (section 4: the low 16 bits of the second word) */
	uint16_t mtu;
	/* parameter problem: the offset of the offending octet */
	uint8_t pointer;
	/* redirect: the gateway to use, host order */
	uint32_t gateway;
	/* the second word as received; emit writes it for the types whose
	 * fields are not decoded above (e.g. time exceeded: zero) */
	uint32_t rest;

	/* error messages only (icmp_is_error()): the quoted datagram */
	struct ipv4_hdr_info quote;
	/* the first 8 bytes of its payload: TCP or UDP ports, and the TCP
	 * sequence number (for a quoted echo: id << 16 | sequence) */
	uint16_t quote_sport;
	uint16_t quote_dport;
	uint32_t quote_seq;
};

/* Types that quote the datagram that caused them (RFC 792, RFC 1122
 * 3.2.2: the ones Linux passes to icmp_unreach() and icmp_redirect()). */
static inline bool icmp_is_error(uint8_t type)
{
	return type == ICMP_TYPE_DEST_UNREACH ||
	       type == ICMP_TYPE_SOURCE_QUENCH || type == ICMP_TYPE_REDIRECT ||
	       type == ICMP_TYPE_TIME_EXCEEDED ||
	       type == ICMP_TYPE_PARAMETERPROB;
}

/**
 * icmp_parse - the checked constructor for an ICMP message
 * @buf: the IPv4 payload
 * @len: its length (total length minus header length)
 * @out: filled on WIRE_OK
 *
 * Unknown types are accepted with only type, code, check and rest set;
 * whether to answer them is icmp's business.  The body (echo data, or an
 * error's quote) is buf[ICMP_HLEN..len).
 *
 * Return: WIRE_OK; WIRE_ERR_TRUNCATED below 8 bytes; WIRE_ERR_CHECKSUM
 * (over the whole message, RFC 792); and for an error message, what
 * ipv4_parse_quoted() says of the quote.
 */
int icmp_parse(const uint8_t *buf, size_t len, struct icmp_hdr_info *out);

/**
 * icmp_parse_hdr - decode an ICMP header without checking it
 * @buf: the header (and whatever follows)
 * @len: bytes available at @buf
 * @out: filled on WIRE_OK, the quote fields zero
 *
 * For headers the stack does not trust or check but has to read: one a
 * program wrote for a ping socket (whose checksum the stack computes), the
 * echo an error quotes, or a packet a raw socket's ICMP_FILTER looks at
 * before anyone verified it (Linux's icmp_filter() reads the type the same
 * way).
 *
 * Return: WIRE_OK, or WIRE_ERR_TRUNCATED below 8 bytes.
 */
int icmp_parse_hdr(const uint8_t *buf, size_t len, struct icmp_hdr_info *out);

/**
 * icmp_emit - write an ICMP header and the checksum of the message
 * @in: the header; check and the quote fields are ignored
 * @body: the message body: echo data, or the quoted datagram of an error
 *        (it may already sit at @buf + ICMP_HLEN); NULL if @body_len is 0
 * @body_len: its length
 * @buf: where to write the header
 * @room: bytes available at @buf
 *
 * The second word is id/seq for echo and timestamp messages, mtu for
 * destination unreachable, pointer for parameter problem, gateway for
 * redirect, and @in->rest for everything else.
 *
 * Return: ICMP_HLEN, or 0 if @room is too small or the message would not
 * fit an IPv4 datagram.
 */
size_t icmp_emit(const struct icmp_hdr_info *in, const void *body,
		 size_t body_len, uint8_t *buf, size_t room);

#endif
