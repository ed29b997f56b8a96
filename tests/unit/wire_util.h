/*
 * wire_util.h - what the src/wire unit tests share (wire.c, wire_tcp.c):
 * packets Linux sent, the parsers as functions of (buffer, length), the
 * EXPECT() of a rejection, checksum fix-ups, a seeded generator.
 */
#ifndef USNET_TESTS_UNIT_WIRE_UTIL_H
#define USNET_TESTS_UNIT_WIRE_UTIL_H

#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/checksum.h"
#include "lib/compiler.h"
#include "wire/arp.h"
#include "wire/ether.h"
#include "wire/icmp.h"
#include "wire/ipv4.h"
#include "wire/tcp.h"
#include "wire/udp.h"
#include "wire/wire.h"

/*
 * Captured on Linux 6.18 loopback with `tcpdump -i lo -xx` (the Ethernet
 * header of lo is all zeros): a connect() to a listener on 127.0.0.1, the
 * first data segment, a UDP datagram to a closed port and the ICMP port
 * unreachable it drew, and the kernel's echo reply to a raw-socket echo
 * request.  Loopback leaves TCP and UDP checksums CHECKSUM_PARTIAL: their
 * field holds the folded pseudo-header sum, not the checksum; the full
 * values below (CSUM_*) were computed independently in Python.
 */
static const uint8_t cap_syn[] = {
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x08, 0x00, 0x45, 0x00, 0x00, 0x3c, 0x5e, 0xa8, 0x40, 0x00,
	0x40, 0x06, 0xde, 0x11, 0x7f, 0x00, 0x00, 0x01, 0x7f, 0x00, 0x00,
	0x01, 0x9a, 0xcc, 0xb7, 0x99, 0xca, 0x6a, 0x78, 0xcc, 0x00, 0x00,
	0x00, 0x00, 0xa0, 0x02, 0xff, 0xd7, 0xfe, 0x30, 0x00, 0x00, 0x02,
	0x04, 0xff, 0xd7, 0x04, 0x02, 0x08, 0x0a, 0xa3, 0x3e, 0xd6, 0xeb,
	0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x0a,
};
static const uint8_t cap_synack[] = {
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x08, 0x00, 0x45, 0x00, 0x00, 0x3c, 0x00, 0x00, 0x40, 0x00,
	0x40, 0x06, 0x3c, 0xba, 0x7f, 0x00, 0x00, 0x01, 0x7f, 0x00, 0x00,
	0x01, 0xb7, 0x99, 0x9a, 0xcc, 0x15, 0x8f, 0x64, 0x8c, 0xca, 0x6a,
	0x78, 0xcd, 0xa0, 0x12, 0xff, 0xcb, 0xfe, 0x30, 0x00, 0x00, 0x02,
	0x04, 0xff, 0xd7, 0x04, 0x02, 0x08, 0x0a, 0x3a, 0xc5, 0xf0, 0x97,
	0xa3, 0x3e, 0xd6, 0xeb, 0x01, 0x03, 0x03, 0x0a,
};
static const uint8_t cap_data[] = {
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x08, 0x00, 0x45, 0x00, 0x00, 0x36, 0x5e, 0xaa, 0x40, 0x00, 0x40, 0x06,
	0xde, 0x15, 0x7f, 0x00, 0x00, 0x01, 0x7f, 0x00, 0x00, 0x01, 0x9a, 0xcc,
	0xb7, 0x99, 0xca, 0x6a, 0x78, 0xcd, 0x15, 0x8f, 0x64, 0x8d, 0x80, 0x18,
	0x00, 0x40, 0xfe, 0x2a, 0x00, 0x00, 0x01, 0x01, 0x08, 0x0a, 0xa3, 0x3e,
	0xd6, 0xeb, 0x3a, 0xc5, 0xf0, 0x97, 0x68, 0x69,
};
static const uint8_t cap_udp[] = {
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x08, 0x00, 0x45, 0x00, 0x00, 0x21, 0x96, 0x8b, 0x40, 0x00, 0x40, 0x11,
	0xa6, 0x3e, 0x7f, 0x00, 0x00, 0x01, 0x7f, 0x00, 0x00, 0x01, 0xed, 0xe3,
	0xb7, 0x9a, 0x00, 0x0d, 0xfe, 0x20, 0x68, 0x65, 0x6c, 0x6c, 0x6f,
};
static const uint8_t cap_unreach[] = {
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x08, 0x00, 0x45, 0xc0, 0x00, 0x3d, 0xb3, 0x78, 0x00, 0x00,
	0x40, 0x01, 0xc8, 0x85, 0x7f, 0x00, 0x00, 0x01, 0x7f, 0x00, 0x00,
	0x01, 0x03, 0x03, 0x26, 0xf4, 0x00, 0x00, 0x00, 0x00, 0x45, 0x00,
	0x00, 0x21, 0x98, 0x7e, 0x40, 0x00, 0x40, 0x11, 0xa4, 0x4b, 0x7f,
	0x00, 0x00, 0x01, 0x7f, 0x00, 0x00, 0x01, 0xdc, 0x6d, 0xb7, 0x9a,
	0x00, 0x0d, 0xfe, 0x20, 0x68, 0x65, 0x6c, 0x6c, 0x6f,
};
static const uint8_t cap_echoreply[] = {
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x08, 0x00, 0x45, 0x00, 0x00, 0x24, 0xb6, 0x8f,
	0x00, 0x00, 0x40, 0x01, 0xc6, 0x47, 0x7f, 0x00, 0x00, 0x01,
	0x7f, 0x00, 0x00, 0x01, 0x00, 0x00, 0x5c, 0x35, 0x12, 0x34,
	0x00, 0x01, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68,
};
#define CSUM_SYN    0x4037
#define CSUM_SYNACK 0x9ab9
#define CSUM_DATA   0x5ac5
#define CSUM_UDP    0x1881

/* Hand-written from RFC 826: who-has 198.18.0.1 tell 198.18.0.2. */
static const uint8_t arp_request[] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00,
	0x02, 0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0xc6, 0x12, 0x00, 0x02, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0xc6, 0x12, 0x00, 0x01,
};

#define LO 0x7f000001u
static const struct wire_pseudo lo_ph = { LO, LO };

/* A captured frame's IPv4 datagram and its transport payload. */
#define L3(f)	 ((f) + ETHER_HLEN)
#define L3LEN(f) (sizeof(f) - ETHER_HLEN)
#define L4(f)	 ((f) + ETHER_HLEN + IPV4_HLEN)
#define L4LEN(f) (sizeof(f) - ETHER_HLEN - IPV4_HLEN)

/* ------------------------------------------------------------ helpers */

/* Each parser behind one signature, for tables and loops. */
typedef int (*parse_fn)(const uint8_t *buf, size_t len);

static inline int p_ether(const uint8_t *b, size_t n)
{
	struct ether_hdr_info o;

	return ether_parse(b, n, &o);
}

static inline int p_arp(const uint8_t *b, size_t n)
{
	struct arp_hdr_info o;

	return arp_parse(b, n, &o);
}

static inline int p_ipv4(const uint8_t *b, size_t n)
{
	struct ipv4_hdr_info o;

	return ipv4_parse(b, n, &o);
}

static inline int p_quoted(const uint8_t *b, size_t n)
{
	struct ipv4_hdr_info o;

	return ipv4_parse_quoted(b, n, &o);
}

static inline int p_icmp(const uint8_t *b, size_t n)
{
	struct icmp_hdr_info o;

	return icmp_parse(b, n, &o);
}

static inline int p_udp(const uint8_t *b, size_t n)
{
	struct udp_hdr_info o;

	return udp_parse(b, n, &lo_ph, &o);
}

static inline int p_tcp(const uint8_t *b, size_t n)
{
	struct tcp_hdr_info o;

	return tcp_parse(b, n, &lo_ph, &o);
}

static inline int p_tcp_nocsum(const uint8_t *b, size_t n)
{
	struct tcp_hdr_info o;

	return tcp_parse(b, n, NULL, &o);
}

/* Run a parser on a heap copy of exactly @n bytes, so ASan sees overreads. */
static inline int run_exact(parse_fn fn, const uint8_t *b, size_t n)
{
	uint8_t *c = malloc(n ? n : 1);
	int r;

	cr_assert_not_null(c);
	memcpy(c, b, n);
	r = fn(c, n);
	free(c);
	return r;
}

/* Which results the rejection tests have produced, for the coverage test. */
/* Which wire_err values the rejection tests produced (wire.c). */
extern bool seen[WIRE_ERR_MAX];

#define EXPECT(fn, buf, len, want)                                          \
	do {                                                                \
		int e_ = run_exact(fn, buf, len);                           \
		cr_assert_eq(e_, want, "%s(%s, %zu): got %s, want %s", #fn, \
			     #buf, (size_t)(len), wire_err_name(e_),        \
			     wire_err_name(want));                          \
		seen[e_] = true;                                            \
	} while (0)

/* Recompute checksums after breaking a field on purpose. */
static inline void fix_ipv4(uint8_t *ip)
{
	size_t hl = (ip[0] & 0x0f) * 4u;

	wire_put_be16(ip + 10, 0);
	wire_put_be16(ip + 10, csum_fold(csum_partial(ip, hl, 0)));
}

static inline void fix_tcp(uint8_t *seg, size_t len)
{
	wire_put_be16(seg + 16, 0);
	wire_put_be16(seg + 16,
		      csum_tcpudp_magic(LO, LO, (uint32_t)len, IPV4_PROTO_TCP,
					csum_partial(seg, len, 0)));
}

static inline void fix_icmp(uint8_t *msg, size_t len)
{
	wire_put_be16(msg + 2, 0);
	wire_put_be16(msg + 2, csum_fold(csum_partial(msg, len, 0)));
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static inline uint64_t xorshift64(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static inline void fill_random(uint8_t *p, size_t n)
{
	while (n--)
		*p++ = (uint8_t)xorshift64();
}

/* A scratch buffer large enough for any datagram. */
extern uint8_t big[65536 + 64];

static inline void assert_tcp_eq(const struct tcp_hdr_info *a,
				 const struct tcp_hdr_info *b)
{
	const struct tcp_options *x = &a->opt, *y = &b->opt;
	unsigned int i;

	cr_assert_eq(a->sport, b->sport);
	cr_assert_eq(a->dport, b->dport);
	cr_assert_eq(a->seq, b->seq);
	cr_assert_eq(a->ack_seq, b->ack_seq);
	cr_assert_eq(a->flags, b->flags);
	cr_assert_eq(a->window, b->window);
	cr_assert_eq(a->urg_ptr, b->urg_ptr);
	cr_assert_eq(x->has_mss, y->has_mss);
	cr_assert_eq(x->has_wscale, y->has_wscale);
	cr_assert_eq(x->sack_perm, y->sack_perm);
	cr_assert_eq(x->has_ts, y->has_ts);
	cr_assert_eq(x->has_fastopen, y->has_fastopen);
	cr_assert_eq(x->num_sacks, y->num_sacks);
	if (x->has_mss)
		cr_assert_eq(x->mss, y->mss);
	if (x->has_wscale)
		cr_assert_eq(x->wscale, y->wscale);
	if (x->has_ts) {
		cr_assert_eq(x->tsval, y->tsval);
		cr_assert_eq(x->tsecr, y->tsecr);
	}
	for (i = 0; i < x->num_sacks; i++) {
		cr_assert_eq(x->sacks[i].start, y->sacks[i].start);
		cr_assert_eq(x->sacks[i].end, y->sacks[i].end);
	}
	if (x->has_fastopen) {
		cr_assert_eq(x->fastopen_len, y->fastopen_len);
		cr_assert_arr_eq(x->fastopen_cookie, y->fastopen_cookie,
				 x->fastopen_len);
	}
}

/* wire_tcp.c: every rejection of tcp_parse(), for every_error_is_reachable */
void reject_tcp(void);

#endif
