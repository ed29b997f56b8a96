/*
 * wire.c - the harness of the TCP wire tests (see wire.h): the test
 * device that captures what the stack sends, segments built and injected
 * through src/wire, and the comparison of what was sent with what a test
 * expects, printed the way tcpdump prints segments.
 */
#include "wire.h"

#include <net/if_arp.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/netdevice.h"
#include "inet/netns_ipv4.h"
#include "inet/tcp.h"
#include "lib/checksum.h"
#include "wire/ipv4.h"

#define LOCAL_ADDR  0xC6120001u /* 198.18.0.1, host order */
#define REMOTE_ADDR 0xC6120002u /* 198.18.0.2 */

/* A packet the stack sent on wire0, with the time it left. */
struct capture {
	struct capture *next;
	int64_t at; /* ns since t=0 */
	size_t len;
	uint8_t data[];
};

static struct {
	struct usnet_net *net;
	struct net_device *dev;
	struct capture *head, **tail;
	unsigned int taken; /* segments taken so far, for messages */
	struct wire_sent last;
	const struct wire_conn *conn; /* the last one wire_in/out used */
} w;

/* ---- the device ---------------------------------------------------------- */

static int wire_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct capture *cap = malloc(sizeof(*cap) + skb->len);

	/* Called under the namespace lock: no assertion (a longjmp) here. */
	if (!cap)
		abort();
	(void)dev;
	cap->next = NULL;
	cap->at = usnet_clock_now() - WIRE_T0;
	cap->len = skb->len;
	memcpy(cap->data, skb->data, skb->len);
	*w.tail = cap;
	w.tail = &cap->next;
	kfree_skb(skb);
	return 0;
}

static const struct net_device_ops wire_dev_ops = {
	.ndo_start_xmit = wire_xmit,
};

static void wire_ip(const char *cmd)
{
	cr_assert_eq(usnet_ip(w.net, cmd), 0, "usnet_ip(\"%s\"): %s", cmd,
		     strerror(errno));
}

void wire_setup(void)
{
	struct net *net;
	int err;

	cr_assert_eq(usnet_clock_virtual(WIRE_T0), 0);
	w.net = usnet_net_create();
	cr_assert_not_null(w.net);
	w.head = NULL;
	w.tail = &w.head;
	net = (struct net *)w.net;
	w.dev = alloc_netdev(0, "wire0", &wire_dev_ops);
	cr_assert_not_null(w.dev);
	w.dev->type = ARPHRD_NONE;
	w.dev->mtu = 1500;
	net_lock(net);
	err = register_netdevice(net, w.dev);
	net_unlock(net);
	cr_assert_eq(err, 0);
	wire_ip("addr add 198.18.0.1/24 dev wire0");
	wire_ip("link set wire0 up");
	usnet_net_enter(w.net);
}

static void capture_free_all(void)
{
	while (w.head) {
		struct capture *cap = w.head;

		w.head = cap->next;
		free(cap);
	}
	w.tail = &w.head;
}

void wire_finish(void)
{
	struct usnet_objects live;
	unsigned int left = wire_pending();

	cr_assert_eq(left, 0,
		     "%u segment(s) sent by the stack were never examined "
		     "(the first: segment %u)",
		     left, w.taken + 1);
	usnet_close_range(0, ~0U, 0);
	/* Orphans (FIN-WAIT, TIME-WAIT, retransmitting) finish. */
	usnet_clock_advance(SEC(7200));
	wire_discard();
	usnet_objects_live(&live);
	cr_assert(live.sockets == 0 && live.socks == 0 && live.skbs == 0,
		  "left alive: %lu sockets %lu socks %lu skbs", live.sockets,
		  live.socks, live.skbs);
}

void wire_teardown(void)
{
	capture_free_all();
	usnet_net_enter(NULL);
	usnet_net_destroy(w.net);
	w.net = NULL;
}

struct usnet_net *wire_net(void)
{
	return w.net;
}

void wire_set_port_range(int low, int high)
{
	struct net *net = (struct net *)w.net;

	net_lock(net);
	net_ipv4(net)->sysctl_ip_local_port_range[0] = low;
	net_ipv4(net)->sysctl_ip_local_port_range[1] = high;
	net_unlock(net);
}

/* ---- time ------------------------------------------------------------------ */

void wire_advance(int64_t ns)
{
	cr_assert_eq(usnet_clock_advance(ns), 0);
}

int64_t wire_now(void)
{
	return usnet_clock_now() - WIRE_T0;
}

/* ---- flags and options in tcpdump's notation -------------------------------- */

static const struct {
	char letter;
	uint16_t flag;
} flag_letters[] = {
	{ 'F', TCPHDR_FIN }, { 'S', TCPHDR_SYN }, { 'R', TCPHDR_RST },
	{ 'P', TCPHDR_PSH }, { '.', TCPHDR_ACK }, { 'U', TCPHDR_URG },
	{ 'E', TCPHDR_ECE }, { 'W', TCPHDR_CWR },
};

static uint16_t flags_parse(const char *s)
{
	uint16_t flags = 0;

	for (; *s; s++) {
		size_t i;

		for (i = 0; i < ARRAY_SIZE(flag_letters); i++)
			if (flag_letters[i].letter == *s)
				break;
		cr_assert_lt(i, ARRAY_SIZE(flag_letters),
			     "unknown flag letter '%c'", *s);
		flags |= flag_letters[i].flag;
	}
	return flags;
}

static void flags_format(uint16_t flags, char *buf)
{
	for (size_t i = 0; i < ARRAY_SIZE(flag_letters); i++)
		if (flags & flag_letters[i].flag)
			*buf++ = flag_letters[i].letter;
	*buf = 0;
}

/* The options in @opt[0..len) as tcpdump prints them; SACK blocks
 * relative to @sack_base (the ISN of the side whose data they cover). */
static void opts_format(const uint8_t *opt, size_t len, uint32_t sack_base,
			char *buf, size_t room)
{
	size_t n = 0;

	buf[0] = 0;
	for (size_t i = 0; i < len && n < room;) {
		uint8_t kind = opt[i], olen = i + 1 < len ? opt[i + 1] : 0;
		const char *sep = n ? "," : "";

		if (kind == TCP_OPT_EOL || kind == TCP_OPT_NOP) {
			n += (size_t)snprintf(buf + n, room - n, "%s%s", sep,
					      kind ? "nop" : "eol");
			i++;
			continue;
		}
		if (olen < 2 || i + olen > len) {
			n += (size_t)snprintf(buf + n, room - n, "%sbad-opt-%u",
					      sep, kind);
			break;
		}
		if (kind == TCP_OPT_MSS && olen == 4)
			n += (size_t)snprintf(buf + n, room - n, "%smss %u",
					      sep, wire_get_be16(opt + i + 2));
		else if (kind == TCP_OPT_WSCALE && olen == 3)
			n += (size_t)snprintf(buf + n, room - n, "%swscale %u",
					      sep, opt[i + 2]);
		else if (kind == TCP_OPT_SACK_PERM && olen == 2)
			n += (size_t)snprintf(buf + n, room - n, "%ssackOK",
					      sep);
		else if (kind == TCP_OPT_SACK && olen >= 10 && olen % 8 == 2) {
			n += (size_t)snprintf(buf + n, room - n, "%ssack %u ",
					      sep, (olen - 2) / 8);
			for (size_t b = i + 2; b < i + olen && n < room; b += 8)
				n += (size_t)snprintf(
					buf + n, room - n, "{%u:%u}",
					wire_get_be32(opt + b) - sack_base,
					wire_get_be32(opt + b + 4) - sack_base);
		} else if (kind == TCP_OPT_TIMESTAMP && olen == 10) {
			n += (size_t)snprintf(buf + n, room - n,
					      "%sTS val %u ecr %u", sep,
					      wire_get_be32(opt + i + 2),
					      wire_get_be32(opt + i + 6));
		} else if (kind == TCP_OPT_FASTOPEN && olen == 2) {
			n += (size_t)snprintf(buf + n, room - n,
					      "%stfo cookiereq", sep);
		} else if (kind == TCP_OPT_FASTOPEN) {
			n += (size_t)snprintf(buf + n, room - n,
					      "%stfo cookie ", sep);
			for (size_t b = i + 2; b < i + olen && n < room; b++)
				n += (size_t)snprintf(buf + n, room - n, "%02x",
						      opt[b]);
		} else
			n += (size_t)snprintf(buf + n, room - n,
					      "%sopt-%u len %u", sep, kind,
					      olen);
		i += olen;
	}
}

/* Encode @s ("mss 1460,nop,wscale 7") literally, in its order; returns the
 * length, padded with EOL to a multiple of 4.  SACK blocks ("sack 1
 * {1461:2921}") are relative to @sack_base. */
static size_t opts_encode(const char *s, uint32_t sack_base, uint8_t *out)
{
	size_t n = 0;

	while (s && *s) {
		unsigned int a, b, blocks;
		int used = 0;

		cr_assert_lt(n, TCP_MAX_OPT_LEN - 2, "options too long: %s", s);
		if (sscanf(s, "mss %u%n", &a, &used) == 1 && used) {
			out[n++] = TCP_OPT_MSS;
			out[n++] = 4;
			wire_put_be16(out + n, (uint16_t)a);
			n += 2;
		} else if (sscanf(s, "wscale %u%n", &a, &used) == 1 && used) {
			out[n++] = TCP_OPT_WSCALE;
			out[n++] = 3;
			out[n++] = (uint8_t)a;
		} else if (sscanf(s, "TS val %u ecr %u%n", &a, &b, &used) ==
				   2 &&
			   used) {
			out[n++] = TCP_OPT_TIMESTAMP;
			out[n++] = 10;
			wire_put_be32(out + n, a);
			wire_put_be32(out + n + 4, b);
			n += 8;
		} else if (sscanf(s, "sack %u %n", &blocks, &used) == 1 &&
			   used) {
			cr_assert(blocks >= 1 && blocks <= TCP_MAX_SACK &&
					  n + 2 + 8 * blocks <= TCP_MAX_OPT_LEN,
				  "SACK blocks: %s", s);
			out[n++] = TCP_OPT_SACK;
			out[n++] = (uint8_t)(2 + 8 * blocks);
			for (unsigned int i = 0; i < blocks; i++) {
				int more = 0;

				cr_assert_eq(sscanf(s + used, "{%u:%u}%n", &a,
						    &b, &more),
					     2, "SACK block: %s", s);
				wire_put_be32(out + n, sack_base + a);
				wire_put_be32(out + n + 4, sack_base + b);
				n += 8;
				used += more;
			}
		} else if (strncmp(s, "tfo cookiereq", 13) == 0) {
			out[n++] = TCP_OPT_FASTOPEN;
			out[n++] = 2;
			used = 13;
		} else if (strncmp(s, "tfo cookie ", 11) == 0) {
			size_t len = strspn(s + 11, "0123456789abcdef");

			cr_assert(len >= 8 && len <= 32 && len % 2 == 0 &&
					  n + 2 + len / 2 <= TCP_MAX_OPT_LEN,
				  "Fast Open cookie: %s", s);
			out[n++] = TCP_OPT_FASTOPEN;
			out[n++] = (uint8_t)(2 + len / 2);
			for (size_t k = 0; k < len; k += 2) {
				unsigned int byte;

				cr_assert_eq(sscanf(s + 11 + k, "%2x", &byte),
					     1);
				out[n++] = (uint8_t)byte;
			}
			used = (int)(11 + len);
		} else if (strncmp(s, "sackOK", 6) == 0) {
			out[n++] = TCP_OPT_SACK_PERM;
			out[n++] = 2;
			used = 6;
		} else if (strncmp(s, "nop", 3) == 0) {
			out[n++] = TCP_OPT_NOP;
			used = 3;
		} else if (strncmp(s, "eol", 3) == 0) {
			out[n++] = TCP_OPT_EOL;
			used = 3;
		} else {
			cr_assert_fail("cannot encode option \"%s\"", s);
		}
		s += used;
		if (*s == ',')
			s++;
	}
	while (n % 4)
		out[n++] = TCP_OPT_EOL;
	cr_assert_leq(n, TCP_MAX_OPT_LEN);
	return n;
}

/* Whether option @item (@ilen bytes, as formatted) matches @want: equal,
 * where a word "*" of @want matches any one word ("TS val * ecr 0"). */
static bool opt_item_match(const char *want, const char *item, size_t ilen)
{
	const char *end = item + ilen;

	while (*want && item < end) {
		if (want[0] == '*' && (want[1] == ' ' || !want[1])) {
			want++;
			while (item < end && *item != ' ')
				item++;
			continue;
		}
		if (*want++ != *item++)
			return false;
	}
	return !*want && item == end;
}

/*
 * Whether @actual (formatted) holds what @expected asks: the same options
 * in the same order, or with a trailing ",..." each listed option among
 * others (NOPs not counted).  A value written "*" matches any.
 */
static bool opts_match(const char *expected, const char *actual)
{
	size_t elen = strlen(expected);
	bool at_least = elen >= 3 && strcmp(expected + elen - 3, "...") == 0;
	char want[256];
	const char *p = actual;

	snprintf(want, sizeof(want), "%.*s", (int)(at_least ? elen - 3 : elen),
		 expected);
	for (char *save = NULL, *item = strtok_r(want, ",", &save); item;
	     item = strtok_r(NULL, ",", &save)) {
		if (at_least) {
			const char *q = actual;
			bool found = false;

			if (strcmp(item, "nop") == 0)
				continue;
			while (*q && !found) {
				size_t ilen = strcspn(q, ",");

				found = opt_item_match(item, q, ilen);
				q += ilen + (q[ilen] == ',');
			}
			if (!found)
				return false;
		} else {
			size_t ilen = strcspn(p, ",");

			if (!*p || !opt_item_match(item, p, ilen))
				return false;
			p += ilen + (p[ilen] == ',');
		}
	}
	return at_least || !*p;
}

/* ---- segments in ------------------------------------------------------------- */

uint8_t wire_pattern(uint32_t seq)
{
	return (uint8_t)(seq * 7u + 13u + (seq >> 8));
}

static uint16_t window_of(int64_t win, uint16_t usual)
{
	if (win == 0)
		return usual;
	cr_assert(win >= WIRE_WIN(0) && win <= WIRE_WIN(65535),
		  "window %lld: write WIRE_WIN(n)", (long long)win);
	return (uint16_t)(win - WIRE_WIN(0));
}

/* seq + len, counting SYN and FIN. */
static uint32_t seg_end(uint32_t seq, uint16_t flags, uint32_t len)
{
	return seq + len + !!(flags & TCPHDR_SYN) + !!(flags & TCPHDR_FIN);
}

void wire_in_seg(struct wire_conn *c, const struct wire_seg *s)
{
	uint16_t flags = flags_parse(s->flags);
	struct tcp_hdr_info th = {
		.sport = c->rport,
		.dport = c->lport,
		.seq = c->irs + s->seq,
		.ack_seq = (flags & TCPHDR_ACK) ? c->iss + s->ack : s->ack,
		.flags = flags,
		.window = window_of(s->win, c->win_in),
	};
	struct ipv4_hdr_info ih = { .ttl = 64,
				    .df = true,
				    .protocol = IPV4_PROTO_TCP,
				    .saddr = REMOTE_ADDR,
				    .daddr = LOCAL_ADDR };
	uint8_t opts[TCP_MAX_OPT_LEN];
	size_t olen, hlen, total;
	struct sk_buff *skb;
	uint8_t *p, *tcp;

	/* An ACK is relative to the stack's ISN: known from its SYN, or 0 on
	 * purpose (wire_conn_init(): numbers absolute). */
	cr_assert(!(flags & TCPHDR_ACK) || c->iss_known || !c->iss,
		  "an ACK before the stack's ISN is known");
	w.conn = c;
	if (s->raw_opts) {
		cr_assert_leq(s->raw_opts_len, TCP_MAX_OPT_LEN);
		olen = s->raw_opts_len;
		memcpy(opts, s->raw_opts, olen);
	} else {
		olen = opts_encode(s->opts, c->iss, opts);
	}
	cr_assert(olen % 4 == 0 && olen <= TCP_MAX_OPT_LEN);
	hlen = TCP_HLEN + olen;
	total = IPV4_HLEN + hlen + s->len;
	skb = alloc_skb(total);
	cr_assert_not_null(skb);
	p = skb_put(skb, (unsigned int)total);
	tcp = p + IPV4_HLEN;
	for (uint32_t i = 0; i < s->len; i++)
		tcp[hlen + i] = s->data ? ((const uint8_t *)s->data)[i] :
					  wire_pattern(s->seq + i);
	/* The fixed header through src/wire, the options as written, then
	 * the checksum over all of it (RFC 9293 3.1). */
	cr_assert_eq(tcp_emit(&th, NULL, NULL, 0, tcp, TCP_HLEN), TCP_HLEN);
	memcpy(tcp + TCP_HLEN, opts, olen);
	tcp[12] = (uint8_t)((hlen / 4) << 4 | (tcp[12] & 0x0f));
	wire_put_be16(tcp + 16,
		      csum_tcpudp_magic(REMOTE_ADDR, LOCAL_ADDR,
					(uint32_t)(hlen + s->len),
					IPV4_PROTO_TCP,
					csum_partial(tcp, hlen + s->len, 0)));
	if (s->bad_csum)
		tcp[17] ^= 0x5a;
	cr_assert_eq(ipv4_emit(&ih, hlen + s->len, p, IPV4_HLEN), IPV4_HLEN);
	skb->dev = w.dev;
	skb->protocol = 0x0800;
	if (!(flags & TCPHDR_RST) &&
	    after(seg_end(s->seq, flags, s->len), c->snd_nxt))
		c->snd_nxt = seg_end(s->seq, flags, s->len);
	netif_rx(skb);
	wire_advance(0); /* received, and answered, now */
}

/* ---- segments out -------------------------------------------------------------- */

/* A segment as the comparison sees it: relative numbers, options
 * formatted. */
struct seg_view {
	uint32_t saddr, daddr;
	uint16_t sport, dport, flags;
	uint32_t seq, ack, len;
	int64_t win; /* WIRE_ANY: not checked */
	int64_t at;
	uint8_t ttl;
	bool df;
	char opts[256];
};

static void seg_format(const struct seg_view *v, char *buf, size_t room)
{
	char flags[16];
	size_t n;

	flags_format(v->flags, flags);
	n = (size_t)snprintf(buf, room,
			     "%u.%u.%u.%u.%u > %u.%u.%u.%u.%u: Flags [%s], ",
			     v->saddr >> 24, v->saddr >> 16 & 0xff,
			     v->saddr >> 8 & 0xff, v->saddr & 0xff, v->sport,
			     v->daddr >> 24, v->daddr >> 16 & 0xff,
			     v->daddr >> 8 & 0xff, v->daddr & 0xff, v->dport,
			     flags);
	if (v->len)
		n += (size_t)snprintf(buf + n, room - n, "seq %u:%u, ", v->seq,
				      v->seq + v->len);
	else
		n += (size_t)snprintf(buf + n, room - n, "seq %u, ", v->seq);
	if ((v->flags & TCPHDR_ACK) || v->ack)
		n += (size_t)snprintf(buf + n, room - n, "ack %u, ", v->ack);
	if (v->win == WIRE_ANY)
		n += (size_t)snprintf(buf + n, room - n, "win *, ");
	else
		n += (size_t)snprintf(buf + n, room - n, "win %lld, ",
				      (long long)v->win);
	if (v->opts[0])
		n += (size_t)snprintf(buf + n, room - n, "options [%s], ",
				      v->opts);
	n += (size_t)snprintf(buf + n, room - n, "length %u, ", v->len);
	if (v->at == WIRE_ANY)
		snprintf(buf + n, room - n, "at *");
	else
		snprintf(buf + n, room - n, "at %lld.%06lld s",
			 (long long)(v->at / SEC(1)),
			 (long long)(v->at % SEC(1) / 1000));
}

static struct capture *capture_pop(void)
{
	struct capture *cap = w.head;

	if (cap) {
		w.head = cap->next;
		if (!w.head)
			w.tail = &w.head;
		w.taken++;
	}
	return cap;
}

const struct wire_sent *wire_last(void)
{
	return &w.last;
}

unsigned int wire_pending(void)
{
	unsigned int n = 0;

	for (struct capture *cap = w.head; cap; cap = cap->next)
		n++;
	return n;
}

void wire_discard(void)
{
	w.taken += wire_pending();
	capture_free_all();
}

/*
 * Parse a captured packet for @c (relative to its ISNs; the stack's ISN
 * learned from its first SYN).  Fails on anything but a well-formed TCP
 * segment with right checksums.  The payload is left at *@payload.
 */
static void capture_parse(struct wire_conn *c, const struct capture *cap,
			  struct seg_view *v, const uint8_t **payload)
{
	struct ipv4_hdr_info ih;
	struct tcp_hdr_info th;
	const uint8_t *tcp;
	size_t tlen;
	int err;

	err = ipv4_parse(cap->data, cap->len, &ih);
	cr_assert_eq(err, WIRE_OK, "segment %u: IPv4 header refused: %s",
		     w.taken, wire_err_name(err));
	cr_assert_eq(ih.protocol, IPV4_PROTO_TCP,
		     "segment %u: IPv4 protocol %u, not TCP", w.taken,
		     ih.protocol);
	tcp = cap->data + ih.hdr_len;
	tlen = ih.tot_len - ih.hdr_len;
	err = tcp_parse(tcp, tlen,
			&(struct wire_pseudo){ .saddr = ih.saddr,
					       .daddr = ih.daddr },
			&th);
	cr_assert(err == WIRE_OK || err == WIRE_ERR_OPTION,
		  "segment %u: TCP header refused: %s", w.taken,
		  wire_err_name(err));
	if ((th.flags & TCPHDR_SYN) && !c->iss_known) {
		c->iss = th.seq;
		c->iss_known = true;
		if (!c->lport)
			c->lport = th.sport;
	}
	*v = (struct seg_view){
		.saddr = ih.saddr,
		.daddr = ih.daddr,
		.sport = th.sport,
		.dport = th.dport,
		.flags = th.flags,
		.seq = th.seq - c->iss,
		.ack = (th.flags & TCPHDR_ACK) ? th.ack_seq - c->irs :
						 th.ack_seq,
		.len = (uint32_t)(tlen - th.hdr_len),
		.win = th.window,
		.at = cap->at,
		.ttl = ih.ttl,
		.df = ih.df,
	};
	opts_format(tcp + TCP_HLEN, th.hdr_len - TCP_HLEN, c->irs, v->opts,
		    sizeof(v->opts));
	*payload = tcp + th.hdr_len;
}

/* The first byte of @payload that is not what @s expects, or -1. */
static long payload_mismatch(const struct wire_seg *s, const uint8_t *payload,
			     uint32_t len)
{
	for (uint32_t i = 0; i < len; i++) {
		uint8_t want = s->data ? ((const uint8_t *)s->data)[i] :
					 wire_pattern(s->seq + i);

		if (payload[i] != want)
			return (long)i;
	}
	return -1;
}

void wire_out_seg(struct wire_conn *c, const struct wire_seg *s,
		  const char *file, int line)
{
	struct capture *cap = capture_pop();
	struct seg_view want = {
		.saddr = LOCAL_ADDR,
		.daddr = REMOTE_ADDR,
		.sport = c->lport,
		.dport = c->rport,
		.flags = flags_parse(s->flags),
		.seq = s->seq,
		.ack = s->ack,
		.len = s->len,
		.win = s->win == WIRE_ANY ? WIRE_ANY :
					    window_of(s->win, c->win_out),
		.at = s->at == 0 ? wire_now() : s->at,
		.ttl = 64,
		.df = true,
	};
	struct seg_view got;
	const uint8_t *payload;
	char diff[128] = "", ws[512], gs[512];
	long bad = -1;

	w.conn = c;
	snprintf(want.opts, sizeof(want.opts), "%s", s->opts ? s->opts : "");
	if (!cap) {
		seg_format(&want, ws, sizeof(ws));
		cr_assert_fail("%s:%d: nothing sent (at %lld us); expected\n"
			       "  %s",
			       file, line, (long long)(wire_now() / 1000), ws);
	}
	capture_parse(c, cap, &got, &payload);
	if (!want.sport)
		want.sport = got.sport; /* an active open's port: learned */
#define DIFF(cond, name)                                                    \
	do {                                                                \
		if (cond)                                                   \
			snprintf(diff + strlen(diff),                       \
				 sizeof(diff) - strlen(diff), " %s", name); \
	} while (0)
	DIFF(got.saddr != want.saddr || got.daddr != want.daddr ||
		     got.sport != want.sport || got.dport != want.dport,
	     "addresses/ports");
	DIFF(got.flags != want.flags, "flags");
	DIFF(got.seq != want.seq, "seq");
	DIFF(got.ack != want.ack, "ack");
	DIFF(want.win != WIRE_ANY && got.win != want.win, "win");
	DIFF(!opts_match(want.opts, got.opts), "options");
	DIFF(got.len != want.len, "length");
	DIFF(want.at != WIRE_ANY && got.at != want.at, "time");
	DIFF(got.ttl != want.ttl || got.df != want.df, "ip(ttl/df)");
	if (got.len == want.len) {
		bad = payload_mismatch(s, payload, got.len);
		DIFF(bad >= 0, "payload");
	}
#undef DIFF
	if (diff[0]) {
		seg_format(&want, ws, sizeof(ws));
		seg_format(&got, gs, sizeof(gs));
		free(cap);
		cr_assert_fail(
			"%s:%d: segment %u differs in%s%s\n"
			"  expected: %s\n"
			"  actual:   %s   (ttl %u%s; iss %#x, irs %#x)",
			file, line, w.taken, diff,
			bad >= 0 ? " (first bad payload byte shown)" : "", ws,
			gs, got.ttl, got.df ? ", DF" : "", c->iss, c->irs);
	}
	free(cap);
	w.last = (struct wire_sent){ .flags = got.flags,
				     .seq = got.seq,
				     .ack = got.ack,
				     .len = got.len,
				     .win = (uint16_t)got.win,
				     .at = got.at };
	if (!(got.flags & TCPHDR_RST) &&
	    after(seg_end(got.seq, got.flags, got.len), c->rcv_nxt))
		c->rcv_nxt = seg_end(got.seq, got.flags, got.len);
}

void wire_out_none_at(const char *file, int line)
{
	struct seg_view got;
	const uint8_t *payload;
	struct wire_conn any = { .iss_known = true };
	char gs[512];

	if (!w.head)
		return;
	/* Relative to the connection last used, if it has its ISNs. */
	if (w.conn && w.conn->iss_known)
		any = *w.conn;
	capture_parse(&any, w.head, &got, &payload);
	seg_format(&got, gs, sizeof(gs));
	cr_assert_fail("%s:%d: expected nothing more at %lld us; sent:\n"
		       "  %s\n  (%u segment(s) pending)",
		       file, line, (long long)(wire_now() / 1000), gs,
		       wire_pending());
}

/* ---- connections ----------------------------------------------------------------- */

int wire_socket(void)
{
	int fd = usnet_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	cr_assert_geq(fd, 0, "socket: %s", strerror(errno));
	return fd;
}

void wire_conn_init(struct wire_conn *c, uint16_t lport)
{
	*c = (struct wire_conn){
		.fd = -1,
		.listen_fd = -1,
		.lport = lport,
		.rport = WIRE_PEER_PORT,
		.irs = WIRE_PEER_ISN,
		.win_in = WIRE_WIN_PEER,
		.win_out = WIRE_WIN_STACK,
	};
}

static struct sockaddr_in sin_of(uint32_t addr, uint16_t port)
{
	return (struct sockaddr_in){ .sin_family = AF_INET,
				     .sin_port = htons(port),
				     .sin_addr.s_addr = htonl(addr) };
}

void wire_listen(struct wire_conn *c, uint16_t port, int backlog)
{
	struct sockaddr_in sin = sin_of(LOCAL_ADDR, port);

	wire_conn_init(c, port);
	c->listen_fd = wire_socket();
	cr_assert_eq(usnet_bind(c->listen_fd, (struct sockaddr *)&sin,
				sizeof(sin)),
		     0, "bind: %s", strerror(errno));
	cr_assert_eq(usnet_listen(c->listen_fd, backlog), 0, "listen: %s",
		     strerror(errno));
}

void wire_accept(struct wire_conn *c)
{
	c->fd = usnet_accept4(c->listen_fd, NULL, NULL, SOCK_NONBLOCK);
	cr_assert_geq(c->fd, 0, "accept: %s", strerror(errno));
}

void wire_accept_none(const struct wire_conn *c)
{
	int fd = usnet_accept4(c->listen_fd, NULL, NULL, SOCK_NONBLOCK);

	cr_assert(fd == -1 && errno == EAGAIN,
		  "accept: %d (%s), expected EAGAIN", fd, strerror(errno));
}

/* RFC 9293 3.5, figure 6 with the stack as B: SYN in, SYN-ACK out (ack =
 * the peer's ISN + 1, MSS of the device), ACK in. */
void wire_syn(struct wire_conn *c)
{
	wire_in(c, "S", 0, 0, .opts = "mss 1460");
	wire_out(c, "S.", 0, 1, .opts = "mss 1460");
	wire_assert_state(c, TCP_SYN_RECV);
}

void wire_passive_open(struct wire_conn *c, uint16_t port)
{
	wire_listen(c, port, 16);
	wire_syn(c);
	wire_in(c, ".", 1, 1);
	wire_accept(c);
	wire_out_none();
	wire_assert_state(c, TCP_ESTABLISHED);
}

int wire_connect_again(const struct wire_conn *c)
{
	struct sockaddr_in sin = sin_of(REMOTE_ADDR, c->rport);

	if (usnet_connect(c->fd, (struct sockaddr *)&sin, sizeof(sin)) == 0)
		return 0;
	return errno;
}

void wire_connect(struct wire_conn *c, int fd, uint16_t port)
{
	wire_conn_init(c, 0);
	c->rport = port;
	c->fd = fd >= 0 ? fd : wire_socket();
	cr_assert_eq(wire_connect_again(c), EINPROGRESS, "connect: %s",
		     strerror(errno));
	wire_out(c, "S", 0, 0, .win = WIRE_WIN(WIRE_WIN_SYN),
		 .opts = "mss 1460,wscale 7,...");
	wire_assert_state(c, TCP_SYN_SENT);
}

/* RFC 9293 3.5, figure 6 with the stack as A. */
void wire_active_open(struct wire_conn *c, uint16_t port)
{
	wire_connect(c, -1, port);
	wire_in(c, "S.", 0, 1, .opts = "mss 1460");
	wire_out(c, ".", 1, 1);
	wire_out_none();
	wire_assert_state(c, TCP_ESTABLISHED);
	/* The completion is reported once (Linux's SS_CONNECTING), then
	 * EISCONN. */
	cr_assert_eq(wire_connect_again(c), 0);
	cr_assert_eq(wire_connect_again(c), EISCONN);
}

int wire_state(const struct wire_conn *c)
{
	struct net *net = (struct net *)w.net;
	struct sock *sk;
	int state;

	net_lock(net);
	sk = tcp_lookup(net, htonl(REMOTE_ADDR), htons(c->rport),
			htonl(LOCAL_ADDR), htons(c->lport));
	state = sk && sk->sk_state != TCP_LISTEN ? sk->sk_state : TCP_CLOSE;
	net_unlock(net);
	return state;
}

const char *wire_state_name(int state)
{
	static const char *const names[] = {
		[TCP_ESTABLISHED] = "ESTABLISHED",
		[TCP_SYN_SENT] = "SYN-SENT",
		[TCP_SYN_RECV] = "SYN-RECEIVED",
		[TCP_FIN_WAIT1] = "FIN-WAIT-1",
		[TCP_FIN_WAIT2] = "FIN-WAIT-2",
		[TCP_TIME_WAIT] = "TIME-WAIT",
		[TCP_CLOSE] = "CLOSED",
		[TCP_CLOSE_WAIT] = "CLOSE-WAIT",
		[TCP_LAST_ACK] = "LAST-ACK",
		[TCP_LISTEN] = "LISTEN",
		[TCP_CLOSING] = "CLOSING",
	};

	if (state < 0 || (size_t)state >= ARRAY_SIZE(names) || !names[state])
		return "?";
	return names[state];
}

/* ---- the closing states ------------------------------------------------------------ */

void wire_fin_wait1(struct wire_conn *c)
{
	cr_assert_eq(usnet_shutdown(c->fd, SHUT_WR), 0);
	wire_out(c, "F.", c->rcv_nxt, c->snd_nxt);
	wire_assert_state(c, TCP_FIN_WAIT1);
}

void wire_fin_wait2(struct wire_conn *c)
{
	wire_fin_wait1(c);
	wire_in(c, ".", c->snd_nxt, c->rcv_nxt);
	wire_out_none();
	wire_assert_state(c, TCP_FIN_WAIT2);
}

void wire_time_wait(struct wire_conn *c)
{
	wire_fin_wait2(c);
	wire_in(c, "F.", c->snd_nxt, c->rcv_nxt);
	wire_out(c, ".", c->rcv_nxt, c->snd_nxt);
	wire_assert_state(c, TCP_TIME_WAIT);
}

void wire_close_wait(struct wire_conn *c)
{
	wire_in(c, "F.", c->snd_nxt, c->rcv_nxt);
	wire_out(c, ".", c->rcv_nxt, c->snd_nxt);
	wire_assert_state(c, TCP_CLOSE_WAIT);
}

void wire_last_ack(struct wire_conn *c)
{
	wire_close_wait(c);
	cr_assert_eq(usnet_shutdown(c->fd, SHUT_WR), 0);
	wire_out(c, "F.", c->rcv_nxt, c->snd_nxt);
	wire_assert_state(c, TCP_LAST_ACK);
}

void wire_spend_quickacks(struct wire_conn *c)
{
	for (int i = 0; i < 16; i++) {
		wire_in(c, "P.", c->snd_nxt, c->rcv_nxt, .len = 100);
		wire_out(c, ".", c->rcv_nxt, c->snd_nxt);
		wire_advance(MS(10));
	}
}

/* ---- socket helpers ------------------------------------------------------------------ */

void wire_setsockopt_int(int fd, int level, int name, int val)
{
	cr_assert_eq(usnet_setsockopt(fd, level, name, &val, sizeof(val)), 0,
		     "setsockopt(%d, %d): %s", level, name, strerror(errno));
}

void wire_send_pattern(int fd, uint32_t seq, size_t len, int flags)
{
	uint8_t *buf = malloc(len ? len : 1);

	cr_assert_not_null(buf);
	for (size_t i = 0; i < len; i++)
		buf[i] = wire_pattern(seq + (uint32_t)i);
	cr_assert_eq(usnet_send(fd, buf, len, flags), (ssize_t)len, "send: %s",
		     strerror(errno));
	free(buf);
}

void wire_recv_pattern(struct wire_conn *c, uint32_t seq, size_t len)
{
	uint8_t *buf = malloc(len + 1);

	cr_assert_not_null(buf);
	cr_assert_eq(usnet_recv(c->fd, buf, len + 1, MSG_DONTWAIT),
		     (ssize_t)len, "recv: %s", strerror(errno));
	for (size_t i = 0; i < len; i++)
		cr_assert_eq(buf[i], wire_pattern(seq + (uint32_t)i),
			     "byte %zu", i);
	free(buf);
}

void wire_recv_fails(struct wire_conn *c, int err)
{
	char b[16];
	ssize_t n = usnet_recv(c->fd, b, sizeof(b), MSG_DONTWAIT);

	cr_assert(n == -1 && errno == err, "recv: %zd (%s), expected %s", n,
		  strerror(errno), strerror(err));
}

int wire_so_error(int fd)
{
	int err = -1;
	socklen_t len = sizeof(err);

	cr_assert_eq(usnet_getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len), 0);
	return err;
}
