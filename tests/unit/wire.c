/*
 * wire.c - unit tests for src/wire and src/lib/checksum (TCP's in
 * wire_tcp.c): known answers
 * from packets Linux sent, round trips (emit then parse gives the struct
 * back), every rejection path, every prefix of valid packets, and a seeded
 * mutation loop (run under ASan in CI: parsers get buffers of exactly the
 * length they are told, so any read past it is caught).
 */
#include "wire_util.h"

bool seen[WIRE_ERR_MAX];
uint8_t big[65536 + 64];
/* ----------------------------------------------------------- checksum */

/* RFC 1071 taken literally: big-endian words, byte by byte. */
static uint16_t naive_sum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

Test(checksum, rfc1071_example)
{
	/* RFC 1071 section 3: these bytes sum to ddf2. */
	static const uint8_t b[] = { 0x00, 0x01, 0xf2, 0x03,
				     0xf4, 0xf5, 0xf6, 0xf7 };

	cr_assert_eq((uint16_t)~csum_fold(csum_partial(b, sizeof(b), 0)),
		     0xddf2);
	cr_assert_eq(csum_fold(csum_partial(b, sizeof(b), 0)), 0x220d);
	cr_assert_eq(csum_fold(csum_partial(b, 0, 0)), 0xffff);
}

Test(checksum, matches_naive_at_every_alignment_and_length)
{
	static uint8_t buf[600];
	size_t off, n;

	fill_random(buf, sizeof(buf));
	for (off = 0; off < 8; off++)
		for (n = 0; n <= 520; n++)
			cr_assert_eq((uint16_t)~csum_fold(
					     csum_partial(buf + off, n, 0)),
				     naive_sum(buf + off, n), "off %zu len %zu",
				     off, n);
}

Test(checksum, large_buffers)
{
	size_t n;

	/* All ones stress the carries; 64 KiB and one byte more. */
	memset(big, 0xff, sizeof(big));
	for (n = 65534; n <= 65537; n++)
		cr_assert_eq((uint16_t)~csum_fold(csum_partial(big + 1, n, 0)),
			     naive_sum(big + 1, n));
	fill_random(big, sizeof(big));
	cr_assert_eq((uint16_t)~csum_fold(csum_partial(big + 3, 65536, 0)),
		     naive_sum(big + 3, 65536));
}

Test(checksum, chaining_and_odd_blocks)
{
	uint8_t b[101];
	uint32_t s;
	size_t cut;

	fill_random(b, sizeof(b));
	for (cut = 0; cut <= sizeof(b); cut++) {
		s = csum_block_add(csum_partial(b, cut, 0),
				   csum_partial(b + cut, sizeof(b) - cut, 0),
				   cut);
		cr_assert_eq(csum_fold(s), csum_fold(csum_partial(b, 101, 0)),
			     "cut %zu", cut);
		if (!(cut & 1))
			cr_assert_eq(csum_fold(csum_partial(
					     b + cut, sizeof(b) - cut,
					     csum_partial(b, cut, 0))),
				     csum_fold(csum_partial(b, 101, 0)));
	}
	/* A starting sum is carried in. */
	cr_assert_eq(csum_add(0xffffffffu, 1), 1);
}

Test(checksum, ipv4_header_known_answer)
{
	uint8_t ip[20];

	/* Linux computed de11 for the captured SYN's header. */
	memcpy(ip, L3(cap_syn), 20);
	cr_assert_eq(csum_fold(csum_partial(ip, 20, 0)), 0);
	wire_put_be16(ip + 10, 0);
	cr_assert_eq(csum_fold(csum_partial(ip, 20, 0)), 0xde11);
}

Test(checksum, pseudo_header_known_answer)
{
	uint8_t seg[40];

	/* Loopback's CHECKSUM_PARTIAL seed is the folded pseudo-header
	 * sum (127.0.0.1 twice, TCP, 40 bytes): fe30 in the capture. */
	cr_assert_eq((uint16_t)~csum_tcpudp_magic(LO, LO, 40, 6, 0), 0xfe30);
	cr_assert_eq((uint16_t)~csum_tcpudp_magic(LO, LO, 13, 17, 0), 0xfe20);
	/* The full checksum of the SYN, against Python's. */
	memcpy(seg, L4(cap_syn), 40);
	wire_put_be16(seg + 16, 0);
	cr_assert_eq(csum_tcpudp_magic(LO, LO, 40, IPV4_PROTO_TCP,
				       csum_partial(seg, 40, 0)),
		     CSUM_SYN);
	wire_put_be16(seg + 16, CSUM_SYN);
	cr_assert_eq(csum_tcpudp_magic(LO, LO, 40, IPV4_PROTO_TCP,
				       csum_partial(seg, 40, 0)),
		     0);
}

Test(checksum, incremental_update_matches_recompute)
{
	uint8_t h[20];
	uint16_t old, check;
	uint32_t olda;
	int i;

	for (i = 0; i < 20000; i++) {
		fill_random(h, sizeof(h));
		wire_put_be16(h + 10, 0);
		wire_put_be16(h + 10, csum_fold(csum_partial(h, 20, 0)));
		/* RFC 1624: a 16-bit word (TTL and protocol) ... */
		old = wire_get_be16(h + 8);
		check = wire_get_be16(h + 10);
		wire_put_be16(h + 8, (uint16_t)xorshift64());
		check = csum_replace2(check, old, wire_get_be16(h + 8));
		wire_put_be16(h + 10, 0);
		cr_assert_eq(check, csum_fold(csum_partial(h, 20, 0)));
		wire_put_be16(h + 10, check);
		/* ... and a 32-bit one (an address). */
		olda = wire_get_be32(h + 12);
		wire_put_be32(h + 12, (uint32_t)xorshift64());
		check = csum_replace4(check, olda, wire_get_be32(h + 12));
		wire_put_be16(h + 10, 0);
		cr_assert_eq(check, csum_fold(csum_partial(h, 20, 0)));
	}
	/* RFC 1624 section 3's example: 0xdd2f, 0x5555 -> 0x3285 gives
	 * 0x0000 where eqn. 2 would give 0xffff. */
	cr_assert_eq(csum_replace2(0xdd2f, 0x5555, 0x3285), 0x0000);
}

Test(wire, err_names)
{
	int i, j;

	for (i = 0; i < WIRE_ERR_MAX; i++) {
		cr_assert_str_neq(wire_err_name(i), "?");
		for (j = 0; j < i; j++)
			cr_assert_str_neq(wire_err_name(i), wire_err_name(j));
	}
	cr_assert_str_eq(wire_err_name(WIRE_OK), "OK");
	cr_assert_str_eq(wire_err_name(WIRE_ERR_OPTION), "OPTION");
	cr_assert_str_eq(wire_err_name(-1), "?");
	cr_assert_str_eq(wire_err_name(WIRE_ERR_MAX), "?");
}

Test(wire, be_accessors_any_alignment)
{
	uint8_t b[7] = { 0 };

	wire_put_be32(b + 1, 0x01020304);
	wire_put_be16(b + 5, 0xa0b0);
	cr_assert_eq(b[1], 1);
	cr_assert_eq(b[4], 4);
	cr_assert_eq(b[5], 0xa0);
	cr_assert_eq(wire_get_be32(b + 1), 0x01020304);
	cr_assert_eq(wire_get_be16(b + 5), 0xa0b0);
	cr_assert_eq(wire_get_be16(b + 2), 0x0203);
}

/* ----------------------------------------------------------- ethernet */

static void assert_ether_eq(const struct ether_hdr_info *a,
			    const struct ether_hdr_info *b)
{
	cr_assert(ether_addr_equal(a->dst, b->dst));
	cr_assert(ether_addr_equal(a->src, b->src));
	cr_assert_eq(a->type, b->type);
	cr_assert_eq(a->vlan, b->vlan);
	cr_assert_eq(a->vlan_tci, b->vlan_tci);
	if (a->vlan)
		cr_assert_eq(a->vlan_tpid ? a->vlan_tpid : ETHER_TYPE_VLAN,
			     b->vlan_tpid);
}

Test(ether, known_answer)
{
	struct ether_hdr_info e;

	cr_assert_eq(ether_parse(arp_request, sizeof(arp_request), &e),
		     WIRE_OK);
	cr_assert(ether_addr_is_broadcast(e.dst));
	cr_assert(ether_addr_is_multicast(e.dst));
	cr_assert_not(ether_addr_is_multicast(e.src));
	cr_assert_eq(e.src[5], 2);
	cr_assert_eq(e.type, ETHER_TYPE_ARP);
	cr_assert_not(e.vlan);
	cr_assert_eq(e.hdr_len, ETHER_HLEN);
	cr_assert_eq(ether_parse(cap_syn, sizeof(cap_syn), &e), WIRE_OK);
	cr_assert_eq(e.type, ETHER_TYPE_IPV4);
}

Test(ether, round_trip_plain_and_tagged)
{
	struct ether_hdr_info in = {
		.dst = { 0x02, 0, 0, 0, 0, 1 },
		.src = { 0x02, 0, 0, 0, 0, 2 },
		.type = ETHER_TYPE_IPV6,
	};
	struct ether_hdr_info out;
	uint8_t b[ETHER_VLAN_HLEN];

	cr_assert_eq(ether_emit(&in, b, ETHER_HLEN), ETHER_HLEN);
	cr_assert_eq(ether_parse(b, ETHER_HLEN, &out), WIRE_OK);
	assert_ether_eq(&in, &out);
	/* 802.1Q: priority 5, VID 42; the tag is skipped. */
	in.vlan = true;
	in.vlan_tci = 5 << 13 | 42;
	in.type = ETHER_TYPE_IPV4;
	cr_assert_eq(ether_emit(&in, b, ETHER_VLAN_HLEN - 1), 0);
	cr_assert_eq(ether_emit(&in, b, sizeof(b)), ETHER_VLAN_HLEN);
	cr_assert_eq(wire_get_be16(b + 12), ETHER_TYPE_VLAN);
	cr_assert_eq(ether_parse(b, sizeof(b), &out), WIRE_OK);
	assert_ether_eq(&in, &out);
	cr_assert_eq(ETHER_VLAN_VID(out.vlan_tci), 42);
	cr_assert_eq(out.hdr_len, ETHER_VLAN_HLEN);
	/* 802.1ad outer tag, same treatment. */
	in.vlan_tpid = ETHER_TYPE_QINQ;
	cr_assert_eq(ether_emit(&in, b, sizeof(b)), ETHER_VLAN_HLEN);
	cr_assert_eq(ether_parse(b, sizeof(b), &out), WIRE_OK);
	assert_ether_eq(&in, &out);
	/* Only one tag is skipped: an inner one is the payload's type. */
	in.vlan_tpid = ETHER_TYPE_QINQ;
	in.type = ETHER_TYPE_VLAN;
	ether_emit(&in, b, sizeof(b));
	cr_assert_eq(ether_parse(b, sizeof(b), &out), WIRE_OK);
	cr_assert_eq(out.type, ETHER_TYPE_VLAN);
	cr_assert_eq(ether_emit(&in, b, ETHER_HLEN), 0);
}

static void reject_ether(void)
{
	uint8_t b[ETHER_VLAN_HLEN];
	size_t n;

	for (n = 0; n < ETHER_HLEN; n++)
		EXPECT(p_ether, cap_syn, n, WIRE_ERR_TRUNCATED);
	memcpy(b, cap_syn, sizeof(b));
	wire_put_be16(b + 12, ETHER_TYPE_VLAN);
	for (n = ETHER_HLEN; n < ETHER_VLAN_HLEN; n++)
		EXPECT(p_ether, b, n, WIRE_ERR_TRUNCATED);
	EXPECT(p_ether, b, ETHER_VLAN_HLEN, WIRE_OK);
}

Test(ether, rejections)
{
	reject_ether();
}

/* ---------------------------------------------------------------- arp */

Test(arp, known_answer_and_round_trip)
{
	const uint8_t *p = arp_request + ETHER_HLEN;
	struct arp_hdr_info a, b;
	uint8_t out[ARP_ETH_IPV4_LEN];

	cr_assert_eq(arp_parse(p, ARP_ETH_IPV4_LEN, &a), WIRE_OK);
	cr_assert_eq(a.op, ARP_OP_REQUEST);
	cr_assert_eq(a.spa, 0xc6120002);
	cr_assert_eq(a.tpa, 0xc6120001);
	cr_assert_eq(a.sha[0], 0x02);
	cr_assert_eq(a.sha[5], 0x02);
	cr_assert_eq(a.tha[5], 0);
	cr_assert_eq(arp_emit(&a, out, sizeof(out) - 1), 0);
	cr_assert_eq(arp_emit(&a, out, sizeof(out)), ARP_ETH_IPV4_LEN);
	cr_assert_arr_eq(out, p, ARP_ETH_IPV4_LEN);
	/* The reply, with padding as it comes off a wire. */
	a.op = ARP_OP_REPLY;
	memcpy(a.tha, a.sha, ETHER_MAC_LEN);
	a.sha[5] = 1;
	memset(big, 0, 46);
	arp_emit(&a, big, 46);
	cr_assert_eq(arp_parse(big, 46, &b), WIRE_OK);
	cr_assert_eq(b.op, ARP_OP_REPLY);
	cr_assert_arr_eq(b.sha, a.sha, ETHER_MAC_LEN);
	cr_assert_arr_eq(b.tha, a.tha, ETHER_MAC_LEN);
	cr_assert_eq(b.spa, a.spa);
	cr_assert_eq(b.tpa, a.tpa);
	/* Linux takes hardware type IEEE 802 (6) on Ethernet too. */
	wire_put_be16(big, ARP_HRD_IEEE802);
	cr_assert_eq(arp_parse(big, 46, &b), WIRE_OK);
}

static void reject_arp(void)
{
	const uint8_t *p = arp_request + ETHER_HLEN;
	static const struct {
		size_t off;
		uint8_t val;
	} bad[] = {
		{ 1, 0x20 }, /* hardware type 32 (InfiniBand) */
		{ 2, 0x86 }, /* protocol 0x8600 */
		{ 4, 8 },    /* hardware address length */
		{ 5, 16 },   /* protocol address length */
		{ 7, 3 },    /* RARP request */
		{ 7, 0 },    /* opcode 0 */
	};
	uint8_t b[ARP_ETH_IPV4_LEN];
	size_t i, n;

	for (n = 0; n < ARP_ETH_IPV4_LEN; n++)
		EXPECT(p_arp, p, n, WIRE_ERR_TRUNCATED);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		memcpy(b, p, sizeof(b));
		b[bad[i].off] = bad[i].val;
		EXPECT(p_arp, b, sizeof(b), WIRE_ERR_UNSUPPORTED);
	}
}

Test(arp, rejections)
{
	reject_arp();
}

/* --------------------------------------------------------------- ipv4 */

static void assert_ipv4_eq(const struct ipv4_hdr_info *a,
			   const struct ipv4_hdr_info *b)
{
	cr_assert_eq(a->tos, b->tos);
	cr_assert_eq(a->id, b->id);
	cr_assert_eq(a->df, b->df);
	cr_assert_eq(a->mf, b->mf);
	cr_assert_eq(a->frag_off, b->frag_off);
	cr_assert_eq(a->ttl, b->ttl);
	cr_assert_eq(a->protocol, b->protocol);
	cr_assert_eq(a->saddr, b->saddr);
	cr_assert_eq(a->daddr, b->daddr);
	cr_assert_eq((a->opt_len + 3) & ~3, b->opt_len);
	if (a->opt_len)
		cr_assert_arr_eq(a->opt, b->opt, a->opt_len);
}

/* Emit @in with @payload_len zero bytes after it, parse, compare. */
static void ipv4_round_trip(const struct ipv4_hdr_info *in, size_t payload_len)
{
	struct ipv4_hdr_info out;
	size_t hl;

	memset(big, 0, IPV4_HLEN + IPV4_MAX_OPT_LEN + payload_len);
	hl = ipv4_emit(in, payload_len, big, sizeof(big));
	cr_assert_gt(hl, 0);
	cr_assert_eq(ipv4_parse(big, hl + payload_len, &out), WIRE_OK);
	assert_ipv4_eq(in, &out);
	cr_assert_eq(out.hdr_len, hl);
	cr_assert_eq(out.tot_len, hl + payload_len);
}

Test(ipv4, known_answer)
{
	struct ipv4_hdr_info ip;
	uint8_t out[IPV4_HLEN];

	cr_assert_eq(ipv4_parse(L3(cap_syn), L3LEN(cap_syn), &ip), WIRE_OK);
	cr_assert_eq(ip.tos, 0);
	cr_assert_eq(ip.tot_len, 60);
	cr_assert_eq(ip.id, 0x5ea8);
	cr_assert(ip.df);
	cr_assert_not(ip.mf);
	cr_assert_eq(ip.frag_off, 0);
	cr_assert_eq(ip.ttl, 64);
	cr_assert_eq(ip.protocol, IPV4_PROTO_TCP);
	cr_assert_eq(ip.check, 0xde11);
	cr_assert_eq(ip.saddr, LO);
	cr_assert_eq(ip.daddr, LO);
	cr_assert_eq(ip.hdr_len, IPV4_HLEN);
	cr_assert_eq(ip.opt_len, 0);
	/* Emitting it again gives Linux's bytes, checksum included. */
	cr_assert_eq(ipv4_emit(&ip, 40, out, sizeof(out)), IPV4_HLEN);
	cr_assert_arr_eq(out, L3(cap_syn), IPV4_HLEN);
	/* The ICMP error: TOS 0xc0 (CS6), no DF. */
	cr_assert_eq(ipv4_parse(L3(cap_unreach), L3LEN(cap_unreach), &ip),
		     WIRE_OK);
	cr_assert_eq(ip.tos, 0xc0);
	cr_assert_not(ip.df);
	cr_assert_eq(ip.protocol, IPV4_PROTO_ICMP);
	cr_assert_eq(ipv4_emit(&ip, ip.tot_len - 20u, out, sizeof(out)), 20);
	cr_assert_arr_eq(out, L3(cap_unreach), IPV4_HLEN);
}

Test(ipv4, round_trips)
{
	/* Record route (RFC 791): 7 bytes, padded with one EOL. */
	static const uint8_t rr[] = { 7, 7, 4, 0, 0, 0, 0 };
	uint8_t forty[IPV4_MAX_OPT_LEN];
	struct ipv4_hdr_info in = {
		.tos = 0x2e << 2 | 1, /* EF, ECT(1) */
		.id = 0xbeef,
		.ttl = 1,
		.protocol = IPV4_PROTO_UDP,
		.saddr = 0xc6120001,
		.daddr = 0xc6120002,
	};

	ipv4_round_trip(&in, 0);
	ipv4_round_trip(&in, IPV4_MAX_LEN - IPV4_HLEN);
	/* A middle fragment, and the last one. */
	in.mf = true;
	in.frag_off = 1480;
	ipv4_round_trip(&in, 1480);
	in.mf = false;
	in.frag_off = 8191 * 8;
	ipv4_round_trip(&in, 8);
	in.df = true;
	in.frag_off = 0;
	in.opt = rr;
	in.opt_len = sizeof(rr);
	ipv4_round_trip(&in, 100);
	cr_assert_eq(big[0], 0x47);
	cr_assert_eq(big[27], 0); /* the pad */
	fill_random(forty, sizeof(forty));
	in.opt = forty;
	in.opt_len = sizeof(forty);
	ipv4_round_trip(&in, 3);
	cr_assert_eq(big[0], 0x4f);
}

Test(ipv4, emit_refuses)
{
	uint8_t opts[IPV4_MAX_OPT_LEN + 1] = { 0 };
	struct ipv4_hdr_info in = { .ttl = 64, .protocol = 6 };

	cr_assert_eq(ipv4_emit(&in, 0, big, IPV4_HLEN - 1), 0);
	cr_assert_eq(ipv4_emit(&in, IPV4_MAX_LEN - IPV4_HLEN + 1, big, 100), 0);
	in.frag_off = 4;
	cr_assert_eq(ipv4_emit(&in, 0, big, 100), 0);
	in.frag_off = 0;
	in.opt = opts;
	in.opt_len = sizeof(opts);
	cr_assert_eq(ipv4_emit(&in, 0, big, 100), 0);
	in.opt_len = 1;
	cr_assert_eq(ipv4_emit(&in, 0, big, 23), 0);
	cr_assert_eq(ipv4_emit(&in, 0, big, 24), 24);
}

Test(ipv4, emit_in_place_keeps_options)
{
	static const uint8_t ra[] = { 0x94, 4, 0, 0 }; /* router alert */
	struct ipv4_hdr_info in = {
		.ttl = 1, .protocol = 2, .opt = ra, .opt_len = 4
	};
	struct ipv4_hdr_info out;
	uint8_t b[24];

	ipv4_emit(&in, 0, b, sizeof(b));
	cr_assert_eq(ipv4_parse(b, sizeof(b), &out), WIRE_OK);
	out.ttl = 2; /* out.opt points into b */
	cr_assert_eq(ipv4_emit(&out, 0, b, sizeof(b)), 24);
	cr_assert_eq(ipv4_parse(b, sizeof(b), &out), WIRE_OK);
	cr_assert_arr_eq(out.opt, ra, 4);
	cr_assert_eq(out.ttl, 2);
}

Test(ipv4, padding_after_total_length_is_ignored)
{
	struct ipv4_hdr_info ip;
	uint8_t b[64] = { 0 };

	/* A 20 + 8 datagram in a minimum-size Ethernet payload (46). */
	memcpy(b, L3(cap_udp), L3LEN(cap_udp));
	wire_put_be16(b + 2, 28);
	fix_ipv4(b);
	cr_assert_eq(ipv4_parse(b, 46, &ip), WIRE_OK);
	cr_assert_eq(ip.tot_len, 28);
}

Test(ipv4, decrease_ttl_patches_checksum)
{
	struct ipv4_hdr_info in = { .protocol = 6 }, out;
	uint8_t b[60];
	int i;

	for (i = 0; i < 2000; i++) {
		in.ttl = (uint8_t)(1 + xorshift64() % 255);
		in.id = (uint16_t)xorshift64();
		in.tos = (uint8_t)xorshift64();
		in.saddr = (uint32_t)xorshift64();
		in.daddr = (uint32_t)xorshift64();
		ipv4_emit(&in, 0, b, sizeof(b));
		ipv4_decrease_ttl(b);
		cr_assert_eq(ipv4_parse(b, IPV4_HLEN, &out), WIRE_OK);
		cr_assert_eq(out.ttl, in.ttl - 1);
	}
}

static void reject_ipv4(void)
{
	uint8_t b[80];
	size_t n, len = L3LEN(cap_syn);

	/* Every prefix of the SYN: RFC 791 3.1, header then total length. */
	for (n = 0; n < IPV4_HLEN; n++)
		EXPECT(p_ipv4, L3(cap_syn), n, WIRE_ERR_TRUNCATED);
	for (; n < len; n++)
		EXPECT(p_ipv4, L3(cap_syn), n, WIRE_ERR_TOTAL_LEN);
	EXPECT(p_ipv4, L3(cap_syn), len, WIRE_OK);
	/* Version 6 in an IPv4 frame. */
	memcpy(b, L3(cap_syn), len);
	b[0] = 0x65;
	EXPECT(p_ipv4, b, len, WIRE_ERR_VERSION);
	/* IHL 4, and IHL 0. */
	memcpy(b, L3(cap_syn), len);
	b[0] = 0x44;
	EXPECT(p_ipv4, b, len, WIRE_ERR_HDR_LEN);
	b[0] = 0x40;
	EXPECT(p_ipv4, b, len, WIRE_ERR_HDR_LEN);
	/* IHL 15 (60 bytes) in a 40-byte buffer. */
	b[0] = 0x4f;
	EXPECT(p_ipv4, b, 40, WIRE_ERR_HDR_LEN);
	/* IHL 6 with options truncated by the buffer: 21..23 bytes. */
	b[0] = 0x46;
	for (n = IPV4_HLEN; n < 24; n++)
		EXPECT(p_ipv4, b, n, WIRE_ERR_HDR_LEN);
	/* One bit flipped anywhere after version and IHL (RFC 1122
	 * 3.2.1.2), total length included: the checksum comes first. */
	for (n = 8; n < IPV4_HLEN * 8; n++) {
		memcpy(b, L3(cap_syn), len);
		b[n / 8] ^= (uint8_t)(1 << (n % 8));
		EXPECT(p_ipv4, b, len, WIRE_ERR_CHECKSUM);
	}
	/* Total length past the buffer, and below the header. */
	memcpy(b, L3(cap_syn), len);
	wire_put_be16(b + 2, (uint16_t)(len + 1));
	fix_ipv4(b);
	EXPECT(p_ipv4, b, len, WIRE_ERR_TOTAL_LEN);
	wire_put_be16(b + 2, 19);
	fix_ipv4(b);
	EXPECT(p_ipv4, b, len, WIRE_ERR_TOTAL_LEN);
	b[0] = 0x46;
	wire_put_be16(b + 2, 20);
	fix_ipv4(b);
	EXPECT(p_ipv4, b, len, WIRE_ERR_TOTAL_LEN);
	wire_put_be16(b + 2, 24);
	fix_ipv4(b);
	EXPECT(p_ipv4, b, len, WIRE_OK);
}

Test(ipv4, rejections)
{
	reject_ipv4();
}

/* --------------------------------------------------------------- icmp */

static void assert_icmp_eq(const struct icmp_hdr_info *a,
			   const struct icmp_hdr_info *b)
{
	cr_assert_eq(a->type, b->type);
	cr_assert_eq(a->code, b->code);
	cr_assert_eq(a->id, b->id);
	cr_assert_eq(a->seq, b->seq);
	cr_assert_eq(a->mtu, b->mtu);
	cr_assert_eq(a->pointer, b->pointer);
	cr_assert_eq(a->gateway, b->gateway);
	cr_assert_eq(a->rest, b->rest);
}

/* Emit @in with @body after it, parse, compare; returns the parse. */
static struct icmp_hdr_info icmp_round_trip(const struct icmp_hdr_info *in,
					    const uint8_t *body,
					    size_t body_len)
{
	struct icmp_hdr_info out;

	if (body_len)
		memcpy(big + ICMP_HLEN, body, body_len);
	/* The body is read where it already sits, after the header. */
	cr_assert_eq(icmp_emit(in, big + ICMP_HLEN, body_len, big, sizeof(big)),
		     ICMP_HLEN);
	cr_assert_eq(icmp_parse(big, ICMP_HLEN + body_len, &out), WIRE_OK);
	assert_icmp_eq(in, &out);
	return out;
}

Test(icmp, known_answer_echo_reply)
{
	const uint8_t *m = L4(cap_echoreply);
	struct icmp_hdr_info ic;
	uint8_t out[ICMP_HLEN];

	cr_assert_eq(icmp_parse(m, L4LEN(cap_echoreply), &ic), WIRE_OK);
	cr_assert_eq(ic.type, ICMP_TYPE_ECHO_REPLY);
	cr_assert_eq(ic.code, 0);
	cr_assert_eq(ic.id, 0x1234);
	cr_assert_eq(ic.seq, 1);
	cr_assert_eq(ic.check, 0x5c35);
	/* Linux's checksum, recomputed over header and data. */
	cr_assert_eq(icmp_emit(&ic, m + ICMP_HLEN, 8, out, sizeof(out)),
		     ICMP_HLEN);
	cr_assert_arr_eq(out, m, ICMP_HLEN);
	/* The matching request. */
	ic.type = ICMP_TYPE_ECHO;
	icmp_round_trip(&ic, m + ICMP_HLEN, 8);
	cr_assert_eq(wire_get_be16(big + 2), 0x5435);
}

Test(icmp, known_answer_port_unreachable)
{
	const uint8_t *m = L4(cap_unreach);
	struct icmp_hdr_info ic;
	uint8_t out[ICMP_HLEN];

	cr_assert_eq(icmp_parse(m, L4LEN(cap_unreach), &ic), WIRE_OK);
	cr_assert_eq(ic.type, ICMP_TYPE_DEST_UNREACH);
	cr_assert_eq(ic.code, ICMP_CODE_PORT_UNREACH);
	cr_assert_eq(ic.mtu, 0);
	cr_assert(icmp_is_error(ic.type));
	/* Linux quoted the whole 33-byte datagram. */
	cr_assert_eq(ic.quote.tot_len, 33);
	cr_assert_eq(ic.quote.id, 0x987e);
	cr_assert_eq(ic.quote.protocol, IPV4_PROTO_UDP);
	cr_assert_eq(ic.quote.saddr, LO);
	cr_assert_eq(ic.quote.daddr, LO);
	cr_assert_eq(ic.quote.hdr_len, IPV4_HLEN);
	cr_assert_eq(ic.quote_sport, 0xdc6d);
	cr_assert_eq(ic.quote_dport, 47002);
	cr_assert_eq(ic.quote_seq, 0x000dfe20);
	cr_assert_eq(icmp_emit(&ic, m + ICMP_HLEN, L4LEN(cap_unreach) - 8, out,
			       sizeof(out)),
		     ICMP_HLEN);
	cr_assert_arr_eq(out, m, ICMP_HLEN);
}

Test(icmp, round_trips)
{
	/* The quote: the captured SYN's IPv4 header + 8 bytes of TCP. */
	const uint8_t *quote = L3(cap_syn);
	struct icmp_hdr_info in = { .type = ICMP_TYPE_DEST_UNREACH,
				    .code = ICMP_CODE_FRAG_NEEDED,
				    .mtu = 1400,
				    .rest = 1400 };
	struct icmp_hdr_info out;

	out = icmp_round_trip(&in, quote, 28);
	cr_assert_eq(wire_get_be32(big + 4), 1400); /* RFC 1191 4 */
	cr_assert_eq(out.quote.protocol, IPV4_PROTO_TCP);
	cr_assert_eq(out.quote_sport, 0x9acc);
	cr_assert_eq(out.quote_dport, 0xb799);
	cr_assert_eq(out.quote_seq, 0xca6a78cc);
	memset(&in, 0, sizeof(in));
	in.type = ICMP_TYPE_TIME_EXCEEDED;
	in.code = ICMP_CODE_EXC_FRAGTIME;
	icmp_round_trip(&in, quote, 40);
	memset(&in, 0, sizeof(in));
	in.type = ICMP_TYPE_PARAMETERPROB;
	in.pointer = 9;
	in.rest = 9u << 24;
	icmp_round_trip(&in, quote, 28);
	cr_assert_eq(big[4], 9);
	memset(&in, 0, sizeof(in));
	in.type = ICMP_TYPE_REDIRECT;
	in.code = 1;
	in.gateway = in.rest = 0xc6120001;
	icmp_round_trip(&in, quote, 28);
	memset(&in, 0, sizeof(in));
	in.type = ICMP_TYPE_SOURCE_QUENCH;
	icmp_round_trip(&in, quote, 28);
	memset(&in, 0, sizeof(in));
	in.type = ICMP_TYPE_TIMESTAMP;
	in.id = 7;
	in.seq = 9;
	in.rest = 7u << 16 | 9;
	icmp_round_trip(&in, quote, 12);
	/* An unknown type: only the raw word, no quote required. */
	memset(&in, 0, sizeof(in));
	in.type = 42;
	in.rest = 0xdeadbeef;
	icmp_round_trip(&in, NULL, 0);
	/* An odd-length echo: the last byte is padded for the sum. */
	memset(&in, 0, sizeof(in));
	in.type = ICMP_TYPE_ECHO;
	in.id = 0xffff;
	in.seq = 0xfffe;
	in.rest = 0xfffffffe;
	icmp_round_trip(&in, quote, 7);
	cr_assert_eq(icmp_emit(&in, NULL, 0, big, ICMP_HLEN - 1), 0);
	cr_assert_eq(icmp_emit(&in, NULL, 65535, big, ICMP_HLEN), 0);
}

static void reject_icmp(void)
{
	const uint8_t *m = L4(cap_unreach);
	size_t n, len = L4LEN(cap_unreach);
	uint8_t b[80];

	for (n = 0; n < ICMP_HLEN; n++)
		EXPECT(p_icmp, m, n, WIRE_ERR_TRUNCATED);
	/* Cutting the message breaks its checksum. */
	for (; n < len; n++)
		EXPECT(p_icmp, m, n, WIRE_ERR_CHECKSUM);
	EXPECT(p_icmp, m, len, WIRE_OK);
	memcpy(b, L4(cap_echoreply), L4LEN(cap_echoreply));
	b[15] ^= 0x80;
	EXPECT(p_icmp, b, L4LEN(cap_echoreply), WIRE_ERR_CHECKSUM);
	/* A quote shorter than its header + 8 bytes (RFC 792). */
	for (n = ICMP_HLEN; n < ICMP_HLEN + IPV4_HLEN + 8; n++) {
		memcpy(b, m, n);
		fix_icmp(b, n);
		EXPECT(p_icmp, b, n, WIRE_ERR_TRUNCATED);
	}
	/* Quoted IHL 6: 31 bytes of quote are not enough, 32 are. */
	memcpy(b, m, len);
	b[ICMP_HLEN] = 0x46;
	fix_icmp(b, ICMP_HLEN + 31);
	EXPECT(p_icmp, b, ICMP_HLEN + 31, WIRE_ERR_TRUNCATED);
	fix_icmp(b, ICMP_HLEN + 32);
	EXPECT(p_icmp, b, ICMP_HLEN + 32, WIRE_OK);
	/* Quoted version and IHL. */
	b[ICMP_HLEN] = 0x65;
	fix_icmp(b, len);
	EXPECT(p_icmp, b, len, WIRE_ERR_VERSION);
	b[ICMP_HLEN] = 0x44;
	fix_icmp(b, len);
	EXPECT(p_icmp, b, len, WIRE_ERR_HDR_LEN);
	/* The quote's own checks, directly. */
	EXPECT(p_quoted, m + ICMP_HLEN, IPV4_HLEN - 1, WIRE_ERR_TRUNCATED);
	EXPECT(p_quoted, m + ICMP_HLEN, IPV4_HLEN + 7, WIRE_ERR_TRUNCATED);
	EXPECT(p_quoted, m + ICMP_HLEN, IPV4_HLEN + 8, WIRE_OK);
	/* An echo needs no quote; 8 bytes are a whole message. */
	memset(b, 0, 8);
	b[0] = ICMP_TYPE_ECHO;
	fix_icmp(b, 8);
	EXPECT(p_icmp, b, 8, WIRE_OK);
}

Test(icmp, rejections)
{
	reject_icmp();
}

/* ---------------------------------------------------------------- udp */

Test(udp, known_answer)
{
	const uint8_t *d = L4(cap_udp);
	struct udp_hdr_info u;
	uint8_t b[UDP_HLEN + 5];

	/* Loopback's partial checksum only passes unverified. */
	cr_assert_eq(udp_parse(d, 13, NULL, &u), WIRE_OK);
	cr_assert_eq(u.sport, 0xede3);
	cr_assert_eq(u.dport, 47002);
	cr_assert_eq(u.len, 13);
	cr_assert_eq(u.check, 0xfe20);
	cr_assert_eq(udp_parse(d, 13, &lo_ph, &u), WIRE_ERR_CHECKSUM);
	/* Emitting fills in the real one, Python's value. */
	cr_assert_eq(udp_emit(&u, &lo_ph, d + UDP_HLEN, 5, b, sizeof(b)),
		     UDP_HLEN);
	cr_assert_eq(wire_get_be16(b + 6), CSUM_UDP);
	cr_assert_arr_eq(b, d, 6);
	memcpy(b + UDP_HLEN, d + UDP_HLEN, 5);
	cr_assert_eq(udp_parse(b, sizeof(b), &lo_ph, &u), WIRE_OK);
	cr_assert_eq(u.check, CSUM_UDP);
}

Test(udp, round_trips_and_checksum_rules)
{
	struct udp_hdr_info in = { .sport = 53, .dport = 40000 }, out;
	uint8_t b[UDP_HLEN + 2] = { 0 };
	uint16_t c;

	/* No pseudo-header: checksum 0, "none" (RFC 768), accepted. */
	cr_assert_eq(udp_emit(&in, NULL, NULL, 0, b, UDP_HLEN), UDP_HLEN);
	cr_assert_eq(wire_get_be16(b + 6), 0);
	cr_assert_eq(udp_parse(b, UDP_HLEN, &lo_ph, &out), WIRE_OK);
	cr_assert_eq(out.sport, 53);
	cr_assert_eq(out.dport, 40000);
	cr_assert_eq(out.len, UDP_HLEN);
	cr_assert_eq(out.check, 0);
	/* A sum that computes to 0 is sent as 0xffff, and verifies. */
	udp_emit(&in, &lo_ph, b + UDP_HLEN, 2, b, sizeof(b));
	c = wire_get_be16(b + 6);
	wire_put_be16(b + UDP_HLEN, c);
	udp_emit(&in, &lo_ph, b + UDP_HLEN, 2, b, sizeof(b));
	cr_assert_eq(wire_get_be16(b + 6), 0xffff);
	cr_assert_eq(udp_parse(b, sizeof(b), &lo_ph, &out), WIRE_OK);
	/* Bytes past the length field are not the datagram's. */
	memset(big, 0xaa, 100);
	udp_emit(&in, &lo_ph, big + UDP_HLEN, 20, big, 100);
	cr_assert_eq(udp_parse(big, 100, &lo_ph, &out), WIRE_OK);
	cr_assert_eq(out.len, 28);
	/* The largest. */
	cr_assert_eq(udp_emit(&in, &lo_ph, big + UDP_HLEN, 65535 - UDP_HLEN,
			      big, sizeof(big)),
		     UDP_HLEN);
	cr_assert_eq(udp_parse(big, 65535, &lo_ph, &out), WIRE_OK);
	cr_assert_eq(out.len, 65535);
	cr_assert_eq(udp_emit(&in, NULL, NULL, 65536 - UDP_HLEN, big,
			      sizeof(big)),
		     0);
	cr_assert_eq(udp_emit(&in, NULL, NULL, 0, big, UDP_HLEN - 1), 0);
}

static void reject_udp(void)
{
	uint8_t b[UDP_HLEN + 5];
	size_t n;

	udp_emit(&(struct udp_hdr_info){ .sport = 1, .dport = 2 }, &lo_ph,
		 "hello", 5, b, sizeof(b));
	memcpy(b + UDP_HLEN, "hello", 5);
	for (n = 0; n < UDP_HLEN; n++)
		EXPECT(p_udp, b, n, WIRE_ERR_TRUNCATED);
	/* RFC 768 length: more than the buffer, less than the header. */
	for (; n < sizeof(b); n++)
		EXPECT(p_udp, b, n, WIRE_ERR_TOTAL_LEN);
	EXPECT(p_udp, b, sizeof(b), WIRE_OK);
	wire_put_be16(b + 4, 7);
	EXPECT(p_udp, b, sizeof(b), WIRE_ERR_TOTAL_LEN);
	wire_put_be16(b + 4, 0);
	EXPECT(p_udp, b, sizeof(b), WIRE_ERR_TOTAL_LEN);
	wire_put_be16(b + 4, sizeof(b));
	b[12] ^= 1;
	EXPECT(p_udp, b, sizeof(b), WIRE_ERR_CHECKSUM);
	/* With a zero checksum nothing is verified. */
	wire_put_be16(b + 6, 0);
	EXPECT(p_udp, b, sizeof(b), WIRE_OK);
}

Test(udp, rejections)
{
	reject_udp();
}

/* ------------------------------------------- whole frames, bad inputs */

/* Parse each layer of a frame, and round-trip every layer accepted. */
static int check_icmp(const uint8_t *p, size_t n)
{
	struct icmp_hdr_info a, b;
	int e = icmp_parse(p, n, &a);

	if (e != WIRE_OK)
		return e;
	memcpy(big + ICMP_HLEN, p + ICMP_HLEN, n - ICMP_HLEN);
	cr_assert_eq(icmp_emit(&a, big + ICMP_HLEN, n - ICMP_HLEN, big,
			       sizeof(big)),
		     ICMP_HLEN);
	cr_assert_eq(icmp_parse(big, n, &b), WIRE_OK);
	/* Emit zeroes the unused bits beside mtu and pointer. */
	if (a.type == ICMP_TYPE_DEST_UNREACH ||
	    a.type == ICMP_TYPE_PARAMETERPROB)
		a.rest = b.rest;
	assert_icmp_eq(&a, &b);
	return e;
}

static int check_udp(const uint8_t *p, size_t n, const struct wire_pseudo *ph)
{
	struct udp_hdr_info a, b;
	int e = udp_parse(p, n, ph, &a);

	if (e != WIRE_OK)
		return e;
	memcpy(big + UDP_HLEN, p + UDP_HLEN, a.len - UDP_HLEN);
	udp_emit(&a, ph, big + UDP_HLEN, a.len - UDP_HLEN, big, sizeof(big));
	cr_assert_eq(udp_parse(big, a.len, ph, &b), WIRE_OK);
	cr_assert_eq(a.sport, b.sport);
	cr_assert_eq(a.dport, b.dport);
	cr_assert_eq(a.len, b.len);
	if (a.check)
		cr_assert_eq(a.check, b.check);
	return e;
}

static int check_tcp(const uint8_t *p, size_t n, const struct wire_pseudo *ph)
{
	struct tcp_hdr_info a, b;
	int e = tcp_parse(p, n, ph, &a);
	size_t hl;

	if (e != WIRE_OK)
		return e;
	hl = tcp_emit(&a, ph, p + a.hdr_len, n - a.hdr_len, big, sizeof(big));
	if (hl == 0) {
		/* Linux's layout needs more room than the sender's. */
		cr_assert_gt(tcp_options_size(&a.opt), TCP_MAX_OPT_LEN);
		return e;
	}
	memcpy(big + hl, p + a.hdr_len, n - a.hdr_len);
	cr_assert_eq(tcp_parse(big, hl + n - a.hdr_len, ph, &b), WIRE_OK);
	assert_tcp_eq(&a, &b);
	return e;
}

static int check_frame(const uint8_t *f, size_t len)
{
	struct ether_hdr_info eth, eth2;
	struct arp_hdr_info arp, arp2;
	struct ipv4_hdr_info ip;
	struct wire_pseudo ph;
	const uint8_t *p;
	size_t n;
	int e;

	e = ether_parse(f, len, &eth);
	if (e != WIRE_OK)
		return e;
	cr_assert_eq(ether_emit(&eth, big, sizeof(big)), eth.hdr_len);
	cr_assert_eq(ether_parse(big, eth.hdr_len, &eth2), WIRE_OK);
	assert_ether_eq(&eth, &eth2);
	p = f + eth.hdr_len;
	n = len - eth.hdr_len;
	if (eth.type == ETHER_TYPE_ARP) {
		e = arp_parse(p, n, &arp);
		if (e == WIRE_OK) {
			arp_emit(&arp, big, sizeof(big));
			cr_assert_eq(arp_parse(big, ARP_ETH_IPV4_LEN, &arp2),
				     WIRE_OK);
			cr_assert_eq(arp.op, arp2.op);
			cr_assert_eq(arp.spa, arp2.spa);
			cr_assert_eq(arp.tpa, arp2.tpa);
		}
		return e;
	}
	if (eth.type != ETHER_TYPE_IPV4)
		return WIRE_OK;
	e = ipv4_parse(p, n, &ip);
	if (e != WIRE_OK)
		return e;
	ipv4_round_trip(&ip, ip.tot_len - ip.hdr_len);
	if (ip.mf || ip.frag_off)
		return WIRE_OK; /* reassembly first */
	ph = (struct wire_pseudo){ ip.saddr, ip.daddr };
	n = ip.tot_len - ip.hdr_len;
	p += ip.hdr_len;
	switch (ip.protocol) {
	case IPV4_PROTO_ICMP:
		return check_icmp(p, n);
	case IPV4_PROTO_UDP:
		return check_udp(p, n, &ph);
	case IPV4_PROTO_TCP:
		return check_tcp(p, n, &ph);
	}
	return WIRE_OK;
}

/* Recompute whatever checksums a (mutated) frame has room for. */
static void fix_frame(uint8_t *f, size_t len)
{
	size_t off = ETHER_HLEN, hl, tot, n;
	uint32_t s, d;
	uint8_t *l4;
	uint16_t c, ulen;

	if (len < ETHER_HLEN)
		return;
	if (wire_get_be16(f + 12) == ETHER_TYPE_VLAN)
		off = ETHER_VLAN_HLEN;
	if (len < off + IPV4_HLEN || f[off] >> 4 != 4)
		return;
	hl = (f[off] & 0x0f) * 4u;
	if (hl < IPV4_HLEN || off + hl > len)
		return;
	fix_ipv4(f + off);
	tot = wire_get_be16(f + off + 2);
	if (tot < hl || off + tot > len)
		return;
	l4 = f + off + hl;
	n = tot - hl;
	s = wire_get_be32(f + off + 12);
	d = wire_get_be32(f + off + 16);
	switch (f[off + 9]) {
	case IPV4_PROTO_ICMP:
		if (n >= ICMP_HLEN)
			fix_icmp(l4, n);
		break;
	case IPV4_PROTO_TCP:
		if (n < TCP_HLEN)
			break;
		wire_put_be16(l4 + 16, 0);
		wire_put_be16(l4 + 16,
			      csum_tcpudp_magic(s, d, (uint32_t)n, 6,
						csum_partial(l4, n, 0)));
		break;
	case IPV4_PROTO_UDP:
		ulen = n >= UDP_HLEN ? wire_get_be16(l4 + 4) : 0;
		if (ulen < UDP_HLEN || ulen > n)
			break;
		wire_put_be16(l4 + 6, 0);
		c = csum_tcpudp_magic(s, d, ulen, 17,
				      csum_partial(l4, ulen, 0));
		wire_put_be16(l4 + 6, c ? c : 0xffff);
		break;
	}
}

struct frame {
	uint8_t b[200];
	size_t len;
};

/* An Ethernet + IPv4 frame around an L4 payload, checksums filled. */
static void ip_frame(struct frame *fr, bool vlan, struct ipv4_hdr_info *ip,
		     const uint8_t *l4, size_t n)
{
	struct ether_hdr_info eth = { .dst = { 2, 0, 0, 0, 0, 1 },
				      .src = { 2, 0, 0, 0, 0, 2 },
				      .type = ETHER_TYPE_IPV4,
				      .vlan = vlan,
				      .vlan_tci = 7 };
	size_t el, il;

	el = ether_emit(&eth, fr->b, sizeof(fr->b));
	il = ipv4_emit(ip, n, fr->b + el, sizeof(fr->b) - el);
	cr_assert(el && il && el + il + n <= sizeof(fr->b));
	memcpy(fr->b + el + il, l4, n);
	fr->len = el + il + n;
	fix_frame(fr->b, fr->len);
	cr_assert_eq(check_frame(fr->b, fr->len), WIRE_OK);
}

/* Captured frames with real checksums, plus crafted ones for the paths
 * Linux's loopback traffic did not take. */
static size_t build_corpus(struct frame *c)
{
	static const uint8_t rr[] = { 7, 11, 4, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
	struct ipv4_hdr_info ip = {
		.ttl = 64, .saddr = 0xc6120002, .daddr = 0xc6120001, .id = 1
	};
	struct tcp_hdr_info t = { .sport = 80,
				  .dport = 40000,
				  .seq = 1,
				  .ack_seq = 2,
				  .flags = TCPHDR_ACK,
				  .window = 500 };
	struct icmp_hdr_info ic = { .type = ICMP_TYPE_DEST_UNREACH,
				    .code = ICMP_CODE_FRAG_NEEDED,
				    .mtu = 1280 };
	const struct {
		const uint8_t *b;
		size_t n;
	} caps[] = {
		{ cap_syn, sizeof(cap_syn) },
		{ cap_synack, sizeof(cap_synack) },
		{ cap_data, sizeof(cap_data) },
		{ cap_udp, sizeof(cap_udp) },
		{ cap_unreach, sizeof(cap_unreach) },
		{ cap_echoreply, sizeof(cap_echoreply) },
		{ arp_request, sizeof(arp_request) },
	};
	uint8_t l4[100];
	size_t i, n = 0, hl;

	for (i = 0; i < ARRAY_SIZE(caps); i++, n++) {
		memcpy(c[n].b, caps[i].b, caps[i].n);
		c[n].len = caps[i].n;
		fix_frame(c[n].b, c[n].len);
		cr_assert_eq(check_frame(c[n].b, c[n].len), WIRE_OK);
	}
	/* TCP with timestamps, 3 SACK blocks and data, VLAN-tagged. */
	t.opt.has_ts = true;
	t.opt.num_sacks = 3;
	t.opt.sacks[2].end = 9;
	hl = tcp_emit(&t, NULL, NULL, 0, l4, sizeof(l4));
	memcpy(l4 + hl, "payload", 7);
	ip.protocol = IPV4_PROTO_TCP;
	ip_frame(&c[n++], true, &ip, l4, hl + 7);
	/* A Fast Open SYN with a cookie and every SYN option. */
	memset(&t.opt, 0, sizeof(t.opt));
	t.flags = TCPHDR_SYN | TCPHDR_ECE | TCPHDR_CWR;
	t.opt = (struct tcp_options){ .has_mss = true,
				      .mss = 1460,
				      .sack_perm = true,
				      .has_ts = true,
				      .has_wscale = true,
				      .wscale = 14,
				      .has_fastopen = true,
				      .fastopen_len = 8 };
	hl = tcp_emit(&t, NULL, NULL, 0, l4, sizeof(l4));
	ip_frame(&c[n++], false, &ip, l4, hl);
	/* Fragmentation needed, quoting that SYN's IPv4 header. */
	icmp_emit(&ic, NULL, 0, l4, sizeof(l4));
	memcpy(l4 + ICMP_HLEN, c[n - 1].b + ETHER_HLEN, IPV4_HLEN + 8);
	ip.protocol = IPV4_PROTO_ICMP;
	ip_frame(&c[n++], false, &ip, l4, ICMP_HLEN + IPV4_HLEN + 8);
	/* An echo request in a datagram with a record-route option. */
	ic = (struct icmp_hdr_info){ .type = ICMP_TYPE_ECHO, .id = 9 };
	icmp_emit(&ic, NULL, 0, l4, sizeof(l4));
	memcpy(l4 + ICMP_HLEN, "0123456789", 10);
	ip.opt = rr;
	ip.opt_len = sizeof(rr);
	ip_frame(&c[n++], false, &ip, l4, ICMP_HLEN + 10);
	/* A UDP datagram, and a first fragment of another. */
	ip.opt_len = 0;
	ip.protocol = IPV4_PROTO_UDP;
	udp_emit(&(struct udp_hdr_info){ .sport = 53, .dport = 5353 }, NULL,
		 NULL, 12, l4, sizeof(l4));
	memcpy(l4 + UDP_HLEN, "abcdefghijkl", 12);
	ip_frame(&c[n++], false, &ip, l4, UDP_HLEN + 12);
	ip.mf = true;
	ip_frame(&c[n++], false, &ip, l4, 16);
	return n;
}

Test(frames, every_prefix_is_rejected)
{
	struct frame c[16];
	size_t i, k, n = build_corpus(c);
	uint8_t *b;

	for (i = 0; i < n; i++) {
		for (k = 0; k < c[i].len; k++) {
			b = malloc(k ? k : 1);
			memcpy(b, c[i].b, k);
			cr_assert_neq(check_frame(b, k), WIRE_OK,
				      "frame %zu, prefix %zu", i, k);
			free(b);
		}
	}
}

static const uint8_t interesting[] = { 0,    1,	   2,	 3,    4,    5,
				       8,    10,   18,	 0x22, 0x40, 0x45,
				       0x4f, 0x50, 0x7f, 0x80, 0xf0, 0xff };

static void mutate(uint8_t *b, size_t *len, size_t cap)
{
	size_t n = *len, pos = n ? xorshift64() % n : 0, k;

	switch (xorshift64() % 6) {
	case 0:
		if (n)
			b[pos] ^= (uint8_t)(1 << xorshift64() % 8);
		break;
	case 1:
		if (n)
			b[pos] = (uint8_t)xorshift64();
		break;
	case 2:
		if (n)
			b[pos] = interesting[xorshift64() %
					     ARRAY_SIZE(interesting)];
		break;
	case 3:
		*len = xorshift64() % (n + 1);
		break;
	case 4:
		k = xorshift64() % 65;
		if (n + k <= cap) {
			fill_random(b + n, k);
			*len = n + k;
		}
		break;
	case 5:
		if (n >= 2) {
			pos = xorshift64() % (n - 1);
			wire_put_be16(b + pos, (uint16_t)xorshift64());
		}
		break;
	}
}

static const parse_fn all_parsers[] = {
	p_ether, p_arp, p_ipv4, p_quoted, p_icmp, p_udp, p_tcp, p_tcp_nocsum,
};

Test(frames, random_mutations_never_crash, .timeout = 300)
{
	struct frame c[16];
	size_t n = build_corpus(c), len, i, j;
	unsigned int results[WIRE_ERR_MAX] = { 0 };
	uint8_t work[512], *b;
	int m, e;

	rng = 0x2545f4914f6cdd1dull;
	for (i = 0; i < 20000; i++) {
		const struct frame *base = &c[xorshift64() % n];

		len = base->len;
		memcpy(work, base->b, len);
		for (m = 1 + (int)(xorshift64() % 4); m > 0; m--)
			mutate(work, &len, sizeof(work));
		if (xorshift64() & 1)
			fix_frame(work, len);
		b = malloc(len ? len : 1);
		memcpy(b, work, len);
		e = check_frame(b, len);
		cr_assert(e >= 0 && e < WIRE_ERR_MAX);
		results[e]++;
		/* Every parser on the raw bytes too, from byte 0. */
		if (i % 4 == 0)
			for (j = 0; j < ARRAY_SIZE(all_parsers); j++)
				all_parsers[j](b, len);
		free(b);
	}
	/* The loop got past the checksums into every layer. */
	cr_assert_gt(results[WIRE_OK], 2000);
	for (e = WIRE_ERR_TRUNCATED; e < WIRE_ERR_MAX; e++)
		cr_assert_gt(results[e], 0, "%s never seen", wire_err_name(e));
}

/* Each enum wire_err value comes out of some crafted packet. */
Test(wire, every_error_is_reachable)
{
	int e;

	reject_ether();
	reject_arp();
	reject_ipv4();
	reject_icmp();
	reject_udp();
	reject_tcp();
	for (e = 0; e < WIRE_ERR_MAX; e++)
		cr_assert(seen[e], "%s never produced", wire_err_name(e));
}
