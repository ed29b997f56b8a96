/*
 * tcp.h - TCP headers and options (RFC 9293 3.1), bytes <->
 * struct tcp_hdr_info.
 *
 * Sits above ipv4.h: ip_input hands the payload of an IPPROTO_TCP
 * datagram to tcp_input, which parses it here, and tcp_output emits every
 * segment here, options laid out the way Linux's tcp_options_write() lays
 * them out, so that captures of usnet and of Linux look alike.
 *
 * What an option means in a given state (MSS only on SYN, window scale
 * clamped to 14, timestamps only once negotiated) is tcp_input's
 * business, as in Linux's tcp_parse_options(): parse reports every option
 * it finds, raw.
 */
#ifndef USNET_WIRE_TCP_H
#define USNET_WIRE_TCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/wire.h"

#define TCP_HLEN		20 /* without options */
#define TCP_MAX_OPT_LEN		40 /* data offset is 4 bits: 60 in all */
#define TCP_MAX_SACK		4  /* 4 blocks fill the option space */
#define TCP_FASTOPEN_COOKIE_MIN 4  /* RFC 7413 4.1.1 */
#define TCP_FASTOPEN_COOKIE_MAX 16

/* Flags (RFC 9293 3.1; ECE, CWR: RFC 3168 6.1; AE: AccECN, once NS). */
#define TCPHDR_FIN 0x001
#define TCPHDR_SYN 0x002
#define TCPHDR_RST 0x004
#define TCPHDR_PSH 0x008
#define TCPHDR_ACK 0x010
#define TCPHDR_URG 0x020
#define TCPHDR_ECE 0x040
#define TCPHDR_CWR 0x080
#define TCPHDR_AE  0x100

/* Option kinds (IANA "TCP Option Kind Numbers"). */
enum {
	TCP_OPT_EOL = 0,
	TCP_OPT_NOP = 1,
	TCP_OPT_MSS = 2,       /* RFC 9293 3.2, length 4 */
	TCP_OPT_WSCALE = 3,    /* RFC 7323 2.2, length 3 */
	TCP_OPT_SACK_PERM = 4, /* RFC 2018 2, length 2 */
	TCP_OPT_SACK = 5,      /* RFC 2018 3, length 2 + 8n */
	TCP_OPT_TIMESTAMP = 8, /* RFC 7323 3.2, length 10 */
	TCP_OPT_MD5SIG = 19,   /* RFC 2385, length 18 */
	TCP_OPT_FASTOPEN = 34, /* RFC 7413 4.1.1, length 2 + 0 or 4..16 */
};

struct tcp_sack_block {
	uint32_t start;
	uint32_t end;
};

struct tcp_options {
	bool has_mss;
	bool has_wscale;
	bool sack_perm;
	bool has_ts;
	bool has_fastopen;
	/* parse only: an MD5 signature is there (Linux drops such a segment
	 * when the socket has no key: TCP_MD5UNEXPECTED) */
	bool has_md5;
	uint16_t mss;
	uint8_t wscale; /* as sent; RFC 7323 2.3 clamps it to 14 */
	uint8_t num_sacks;
	struct tcp_sack_block sacks[TCP_MAX_SACK];
	uint32_t tsval;
	uint32_t tsecr;
	/* 0 asks for a cookie (RFC 7413 4.1.1) */
	uint8_t fastopen_len;
	uint8_t fastopen_cookie[TCP_FASTOPEN_COOKIE_MAX];
};

struct tcp_hdr_info {
	uint16_t sport;
	uint16_t dport;
	uint32_t seq;
	uint32_t ack_seq;
	uint16_t flags;	 /* TCPHDR_* */
	uint16_t window; /* as sent, not scaled */
	uint16_t urg_ptr;
	struct tcp_options opt;
	/* parse only: data offset * 4; the data is buf[hdr_len..len) */
	uint8_t hdr_len;
	/* parse only: the checksum as received */
	uint16_t check;
};

/**
 * tcp_parse - the checked constructor for a TCP header and its options
 * @buf: the IPv4 payload
 * @len: its length (the TCP length of the pseudo-header)
 * @ph: the pseudo-header addresses to verify the checksum with, or NULL
 *      when the device vouches for it (loopback, checksum offload)
 * @out: filled on WIRE_OK and on WIRE_ERR_OPTION (see below)
 *
 * The header checks are Linux's tcp_v4_rcv(): length, data offset,
 * checksum.  Then the options (RFC 9293 3.1, MUST-4, -5, -7): EOL ends them,
 * NOP is skipped, unknown kinds are skipped by their length.  A length
 * of 0 or 1, or one that runs past the option space, stops the walk; a
 * known kind with the wrong length (MSS not 4, SACK not 2 + 8n with n >= 1,
 * a Fast Open cookie outside 4..16 or odd, ...) is left out and the walk
 * goes on.  Either way the result is WIRE_ERR_OPTION, with @out holding
 * the header and the options before the malformed one: exactly what
 * Linux's tcp_parse_options() would act on, so the caller may drop the
 * segment (RFC 9293 MUST-7) or carry on as Linux does.
 *
 * Return: WIRE_OK; WIRE_ERR_TRUNCATED below 20 bytes; WIRE_ERR_DATA_OFFSET
 * (below 5, or past @len); WIRE_ERR_CHECKSUM; WIRE_ERR_OPTION.
 */
int tcp_parse(const uint8_t *buf, size_t len, const struct wire_pseudo *ph,
	      struct tcp_hdr_info *out);

/**
 * tcp_options_size - the bytes tcp_emit() would give these options
 * @opt: the options
 *
 * Return: a multiple of 4; more than TCP_MAX_OPT_LEN means they do not fit
 * (timestamps leave room for 3 SACK blocks, as in Linux).
 */
size_t tcp_options_size(const struct tcp_options *opt);

/**
 * tcp_emit - write a TCP header, its options and its checksum
 * @in: the header; hdr_len, check and opt.has_md5 are ignored
 * @ph: the pseudo-header addresses, or NULL to leave the checksum 0 for
 *      a device that fills it (loopback, offload)
 * @payload: the data the checksum covers (it may already sit at
 *           @buf + the header length); NULL if @payload_len is 0
 * @payload_len: its length
 * @buf: where to write the header
 * @room: bytes available at @buf
 *
 * Options go in the order and alignment of Linux's tcp_options_write():
 * MSS; timestamps, preceded by SACK-permitted (kind 4 length 2) or by
 * NOP,NOP; NOP,NOP,SACK-permitted when there are no timestamps;
 * NOP,window scale; NOP,NOP,SACK blocks; Fast Open cookie, NOP-padded
 * to 4 bytes.
 *
 * Return: the header length, or 0 if @room is too small, the options do
 * not fit 40 bytes or are invalid (more than 4 SACK blocks, a bad cookie
 * length), or the segment would be longer than 65535.
 */
size_t tcp_emit(const struct tcp_hdr_info *in, const struct wire_pseudo *ph,
		const void *payload, size_t payload_len, uint8_t *buf,
		size_t room);

#endif
