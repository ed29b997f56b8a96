/*
 * udp.h - UDP headers (RFC 768), bytes <-> struct udp_hdr_info.
 *
 * Sits above ipv4.h: ip_input hands the payload of an IPPROTO_UDP
 * datagram to src/inet's udp, which parses it here; udp_sendmsg emits
 * the header and checksum here.
 */
#ifndef USNET_WIRE_UDP_H
#define USNET_WIRE_UDP_H

#include <stddef.h>
#include <stdint.h>

#include "wire/wire.h"

#define UDP_HLEN 8

struct udp_hdr_info {
	uint16_t sport;
	uint16_t dport;
	/* parse only: the length field (header and data); the data is
	 * buf[UDP_HLEN..len), and bytes past it are ignored */
	uint16_t len;
	/* parse only: the checksum as received; 0 means the sender computed
	 * none (RFC 768), and parse then verifies nothing */
	uint16_t check;
};

/**
 * udp_parse - the checked constructor for a UDP header
 * @buf: the IPv4 payload
 * @len: its length
 * @ph: the pseudo-header addresses to verify the checksum with, or NULL
 *      when the device vouches for it (loopback, offload) or to defer the
 *      check as Linux does until delivery
 * @out: filled on WIRE_OK
 *
 * The length checks are Linux's __udp4_lib_rcv().
 *
 * Return: WIRE_OK; WIRE_ERR_TRUNCATED below 8 bytes; WIRE_ERR_TOTAL_LEN if
 * the length field is below 8 or above @len; WIRE_ERR_CHECKSUM.
 */
int udp_parse(const uint8_t *buf, size_t len, const struct wire_pseudo *ph,
	      struct udp_hdr_info *out);

/**
 * udp_emit - write a UDP header and its checksum
 * @in: ports; len and check are ignored
 * @ph: the pseudo-header addresses, or NULL to send no checksum (0)
 * @payload: the data the checksum covers (it may already sit at
 *           @buf + UDP_HLEN); NULL if @payload_len is 0
 * @payload_len: its length
 * @buf: where to write the header
 * @room: bytes available at @buf
 *
 * A computed checksum of 0 is sent as 0xffff (RFC 768).
 *
 * Return: UDP_HLEN, or 0 if @room is too small or the length would pass
 * 65535.
 */
size_t udp_emit(const struct udp_hdr_info *in, const struct wire_pseudo *ph,
		const void *payload, size_t payload_len, uint8_t *buf,
		size_t room);

#endif
