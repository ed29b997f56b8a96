/*
 * ipv4.h - IPv4 headers (RFC 791), bytes <-> struct ipv4_hdr_info.
 *
 * Sits above ether.h and below icmp.h, udp.h and tcp.h: ip_input parses
 * every datagram here before routing and reassembly, ip_output emits the
 * header here.  Options are not interpreted: parse returns their span and
 * emit copies one, so that ip_input can apply Linux's ip_options_compile()
 * rules (and answer a bad option with a parameter problem) on its own.
 */
#ifndef USNET_WIRE_IPV4_H
#define USNET_WIRE_IPV4_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/wire.h"

#define IPV4_HLEN	 20 /* without options */
#define IPV4_MAX_OPT_LEN 40 /* IHL is 4 bits: 60 bytes in all */
#define IPV4_MAX_LEN	 65535

enum {
	IPV4_PROTO_ICMP = 1,
	IPV4_PROTO_TCP = 6,
	IPV4_PROTO_UDP = 17,
};

struct ipv4_hdr_info {
	/* the DS field: DSCP (6 bits) and ECN (2 bits) (RFC 2474, 3168) */
	uint8_t tos;
	/* parse only: the total length; emit derives it from payload_len */
	uint16_t tot_len;
	uint16_t id;
	bool df; /* don't fragment */
	bool mf; /* more fragments */
	/* fragment offset in bytes (the field times 8) */
	uint16_t frag_off;
	uint8_t ttl;
	uint8_t protocol;
	uint32_t saddr; /* host order */
	uint32_t daddr;
	/* the options: parse points them into the buffer it was given */
	const uint8_t *opt;
	uint8_t opt_len;
	/* parse only: IHL * 4; the payload is buf[hdr_len..tot_len) */
	uint8_t hdr_len;
	/* parse only: the checksum field as received */
	uint16_t check;
};

/**
 * ipv4_parse - the checked constructor for an IPv4 header
 * @buf: the datagram (an Ethernet payload, maybe with trailing padding)
 * @len: bytes available at @buf
 * @out: filled on WIRE_OK; @out->opt points into @buf
 *
 * The checks are Linux's ip_rcv_core(), in its order: length, version,
 * IHL, header checksum, total length.  The reserved flag bit is ignored,
 * as Linux ignores it.  Bytes past the total length are padding and not
 * the payload.
 *
 * Return: WIRE_OK; WIRE_ERR_TRUNCATED below 20 bytes; WIRE_ERR_VERSION;
 * WIRE_ERR_HDR_LEN (IHL < 5 or IHL * 4 > @len); WIRE_ERR_CHECKSUM;
 * WIRE_ERR_TOTAL_LEN (total length < IHL * 4 or > @len).
 */
int ipv4_parse(const uint8_t *buf, size_t len, struct ipv4_hdr_info *out);

/**
 * ipv4_parse_quoted - parse the IPv4 header an ICMP error quotes
 * @buf: the quote (RFC 792: the original header and 64 bits of data)
 * @len: its length
 * @out: filled on WIRE_OK
 *
 * Laxer than ipv4_parse(), as Linux's icmp_unreach() and
 * icmp_socket_deliver() are: the quote may be cut short, so its total
 * length is not checked, nor its checksum; the header and 8 bytes of the
 * original payload must be there.
 *
 * Return: WIRE_OK; WIRE_ERR_TRUNCATED if fewer than IHL * 4 + 8 bytes (or
 * 20) are there; WIRE_ERR_VERSION; WIRE_ERR_HDR_LEN for IHL < 5.
 */
int ipv4_parse_quoted(const uint8_t *buf, size_t len,
		      struct ipv4_hdr_info *out);

/**
 * ipv4_emit - write an IPv4 header and its checksum
 * @in: the header; tot_len, hdr_len and check are ignored
 * @payload_len: bytes that will follow the header
 * @buf: where to write it
 * @room: bytes available at @buf
 *
 * The options are copied and padded with zeros (End of Option List) to a
 * multiple of 4 bytes (RFC 791 3.1, "Padding").
 *
 * Return: the header length, or 0 if @room is too small, the options are
 * longer than 40 bytes, the total length would pass 65535 or @in->frag_off
 * is not a multiple of 8.
 */
size_t ipv4_emit(const struct ipv4_hdr_info *in, size_t payload_len,
		 uint8_t *buf, size_t room);

/**
 * ipv4_complete_raw - finish a header a program wrote itself (IP_HDRINCL)
 * @buf: the datagram, header first
 * @len: its length
 * @saddr: the source to write if the header's is 0.0.0.0 (host order)
 * @id: the identification to write if the header's is 0
 * @id_used: set to whether @id was written
 *
 * What Linux's raw_send_hdrinc() does to such a header and nothing more:
 * it writes the total length (@len), the source and the identification
 * where they are zero, and the checksum.  The version and the other fields
 * are the program's business.
 *
 * Return: WIRE_OK; WIRE_ERR_TRUNCATED if @len < 20; WIRE_ERR_HDR_LEN if
 * IHL is below 5 (refused since Linux 6.18.34 and 7.0.11) or IHL * 4 >
 * @len; nothing is written then.
 */
int ipv4_complete_raw(uint8_t *buf, size_t len, uint32_t saddr, uint16_t id,
		      bool *id_used);

/**
 * ipv4_decrease_ttl - decrement the TTL of a parsed header in place
 * @buf: a header ipv4_parse() accepted, TTL above zero
 *
 * Patches the checksum incrementally (RFC 1624, RFC 1812 5.3.1), as
 * Linux's ip_decrease_ttl() does on forwarding.
 */
void ipv4_decrease_ttl(uint8_t *buf);

#endif
