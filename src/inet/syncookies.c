/*
 * syncookies.c - SYN cookies (RFC 4987 3.6), as Linux sends them when a
 * listener's SYN queue is full (ipv4.tcp_syncookies 1, or always with 2):
 * the SYN-ACK's sequence number carries what the connection needs, so no
 * state is kept until the ACK comes back with it.
 *
 * The cookie (our own layout, with Linux's ingredients):
 *
 *   ISN = H1(4-tuple) + peer ISN + (count << 24)
 *         + ((H2(4-tuple, count) + mss index) mod 2^24)
 *
 * count is the minute, so a cookie lives two minutes; H1, H2 are keyed
 * hashes with the namespace's secret.  The MSS is one of four values.
 * With timestamps, the low 6 bits of our TSval carry the window scale
 * (4 bits, 15: none) and SACK-permitted, and come back in TSecr; without
 * them a cookie connection has neither (as on Linux).
 */
#include "inet/netns_ipv4.h"
#include "inet/tcp.h"
#include "lib/clock.h"

#define COOKIE_MAX_AGE 2 /* minutes */
#define TS_OPT_BITS    6
#define TS_WSCALE_NONE 0xf
#define TS_SACK	       0x10

/* Linux's msstab: what common paths carry. */
static const uint16_t cookie_msstab[] = { 536, 1300, 1440, 1460 };

static uint32_t cookie_count(void)
{
	return (uint32_t)(clock_now_ns() / (60 * NSEC_PER_SEC));
}

static uint32_t cookie_hash(struct net *net, const struct tcp_cookie_tuple *t,
			    uint32_t count, int which)
{
	return (uint32_t)tcp_secret_hash(
		net, t->saddr ^ (count * 0x9e3779b9u) ^ (uint32_t)which,
		t->daddr, t->sport, (uint16_t)(t->dport ^ (which << 8)));
}

uint32_t cookie_init_sequence(struct net *net, const struct tcp_cookie_tuple *t,
			      uint32_t peer_isn, uint16_t *mss)
{
	uint32_t count = cookie_count(), ind = 0;

	for (uint32_t i = 0; i < sizeof(cookie_msstab) / sizeof(*cookie_msstab);
	     i++)
		if (cookie_msstab[i] <= *mss)
			ind = i;
	*mss = cookie_msstab[ind];
	return cookie_hash(net, t, 0, 1) + peer_isn + (count << 24) +
	       ((cookie_hash(net, t, count, 2) + ind) & 0xffffff);
}

int cookie_check(struct net *net, const struct tcp_cookie_tuple *t,
		 uint32_t cookie, uint32_t peer_isn)
{
	uint32_t v = cookie - cookie_hash(net, t, 0, 1) - peer_isn;
	uint32_t count = v >> 24, now = cookie_count(), ind;

	if (((now - count) & 0xff) > COOKIE_MAX_AGE)
		return -1;
	/* the minute as it was: now's high bits with the cookie's low 8 */
	count = now - ((now - count) & 0xff);
	ind = (v - cookie_hash(net, t, count, 2)) & 0xffffff;
	if (ind >= sizeof(cookie_msstab) / sizeof(*cookie_msstab))
		return -1;
	return cookie_msstab[ind];
}

uint32_t cookie_ts_encode(uint32_t tsval, int wscale, bool sack)
{
	uint32_t opts = (wscale < 0 ? TS_WSCALE_NONE : (uint32_t)wscale) |
			(sack ? TS_SACK : 0);
	uint32_t ts = (tsval & ~((1u << TS_OPT_BITS) - 1)) | opts;

	/* never ahead of the clock the peer sees from us */
	if ((int32_t)(ts - tsval) > 0)
		ts -= 1u << TS_OPT_BITS;
	return ts;
}

void cookie_ts_decode(uint32_t tsecr, int *wscale, bool *sack)
{
	uint32_t w = tsecr & TS_WSCALE_NONE;

	*wscale = w == TS_WSCALE_NONE ? -1 : (int)(w > 14 ? 14 : w);
	*sack = tsecr & TS_SACK;
}
