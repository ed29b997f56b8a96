/*
 * wire_tcp.c - unit tests of src/wire/tcp: known answers from segments
 * Linux sent, round trips, options laid out as Linux's
 * tcp_options_write(), and every rejection of tcp_parse().
 */
#include "wire_util.h"

/* ---------------------------------------------------------------- tcp */

/* Emit @in with @payload after it into big, parse it back, compare. */
static size_t tcp_round_trip(const struct tcp_hdr_info *in,
			     const uint8_t *payload, size_t plen)
{
	struct tcp_hdr_info out;
	size_t hl;

	hl = tcp_emit(in, &lo_ph, payload, plen, big, sizeof(big));
	cr_assert_gt(hl, 0);
	cr_assert_eq(hl, TCP_HLEN + tcp_options_size(&in->opt));
	if (plen)
		memmove(big + hl, payload, plen);
	cr_assert_eq(tcp_parse(big, hl + plen, &lo_ph, &out), WIRE_OK);
	assert_tcp_eq(in, &out);
	cr_assert_eq(out.hdr_len, hl);
	return hl;
}

Test(tcp, known_answer_linux_syn)
{
	const uint8_t *s = L4(cap_syn);
	struct tcp_hdr_info t;
	uint8_t out[60];

	/* Loopback's partial checksum passes only unverified. */
	cr_assert_eq(tcp_parse(s, 40, &lo_ph, &t), WIRE_ERR_CHECKSUM);
	cr_assert_eq(tcp_parse(s, 40, NULL, &t), WIRE_OK);
	cr_assert_eq(t.sport, 39628);
	cr_assert_eq(t.dport, 47001);
	cr_assert_eq(t.seq, 3395975372u);
	cr_assert_eq(t.ack_seq, 0);
	cr_assert_eq(t.flags, TCPHDR_SYN);
	cr_assert_eq(t.window, 65495);
	cr_assert_eq(t.urg_ptr, 0);
	cr_assert_eq(t.hdr_len, 40);
	cr_assert_eq(t.check, 0xfe30);
	/* mss 65495,sackOK,TS val 2738804459 ecr 0,nop,wscale 10 */
	cr_assert(t.opt.has_mss);
	cr_assert_eq(t.opt.mss, 65495);
	cr_assert(t.opt.sack_perm);
	cr_assert(t.opt.has_ts);
	cr_assert_eq(t.opt.tsval, 2738804459u);
	cr_assert_eq(t.opt.tsecr, 0);
	cr_assert(t.opt.has_wscale);
	cr_assert_eq(t.opt.wscale, 10);
	cr_assert_eq(t.opt.num_sacks, 0);
	cr_assert_not(t.opt.has_fastopen);
	cr_assert_not(t.opt.has_md5);
	/* Emitted again: Linux's bytes, with the real checksum. */
	cr_assert_eq(tcp_emit(&t, &lo_ph, NULL, 0, out, sizeof(out)), 40);
	cr_assert_eq(wire_get_be16(out + 16), CSUM_SYN);
	wire_put_be16(out + 16, 0xfe30);
	cr_assert_arr_eq(out, s, 40);
	/* Without a pseudo-header the field is left 0 for the device. */
	cr_assert_eq(tcp_emit(&t, NULL, NULL, 0, out, sizeof(out)), 40);
	cr_assert_eq(wire_get_be16(out + 16), 0);
}

Test(tcp, known_answer_linux_synack_and_data)
{
	const uint8_t *s = L4(cap_synack), *d = L4(cap_data);
	struct tcp_hdr_info t;
	uint8_t out[60];

	cr_assert_eq(tcp_parse(s, 40, NULL, &t), WIRE_OK);
	cr_assert_eq(t.flags, TCPHDR_SYN | TCPHDR_ACK);
	cr_assert_eq(t.ack_seq, 3395975373u);
	cr_assert_eq(t.opt.tsecr, 2738804459u);
	cr_assert_eq(tcp_emit(&t, &lo_ph, NULL, 0, out, sizeof(out)), 40);
	cr_assert_eq(wire_get_be16(out + 16), CSUM_SYNACK);
	wire_put_be16(out + 16, 0xfe30);
	cr_assert_arr_eq(out, s, 40);
	/* The first data segment: NOP,NOP,TS and "hi". */
	cr_assert_eq(tcp_parse(d, 34, NULL, &t), WIRE_OK);
	cr_assert_eq(t.flags, TCPHDR_PSH | TCPHDR_ACK);
	cr_assert_eq(t.window, 64);
	cr_assert_eq(t.hdr_len, 32);
	cr_assert(t.opt.has_ts);
	cr_assert_not(t.opt.has_mss || t.opt.sack_perm || t.opt.has_wscale);
	cr_assert_eq(tcp_emit(&t, &lo_ph, d + 32, 2, out, sizeof(out)), 32);
	cr_assert_eq(wire_get_be16(out + 16), CSUM_DATA);
	wire_put_be16(out + 16, 0xfe2a);
	cr_assert_arr_eq(out, d, 32);
}

/* Emit options alone and compare them with the bytes Linux writes. */
static void expect_layout(const struct tcp_options *o, const uint8_t *want,
			  size_t n)
{
	struct tcp_hdr_info t = {
		.sport = 1, .dport = 2, .flags = TCPHDR_SYN, .opt = *o
	};

	cr_assert_eq(tcp_options_size(o), n);
	cr_assert_eq(tcp_emit(&t, NULL, NULL, 0, big, sizeof(big)),
		     TCP_HLEN + n);
	cr_assert_eq(big[12] >> 4, (TCP_HLEN + n) / 4);
	cr_assert_arr_eq(big + TCP_HLEN, want, n);
	tcp_round_trip(&t, NULL, 0);
}

Test(tcp, emit_uses_linux_option_layout)
{
	struct tcp_options o = { 0 };
	unsigned int i;

	/* No timestamps: MSS, NOP,NOP,SACKOK, NOP,WS. */
	{
		static const uint8_t w[] = { 2, 4, 0x05, 0xb4, 1, 1,
					     4, 2, 1,	 3,    3, 7 };
		o = (struct tcp_options){ .has_mss = true,
					  .mss = 1460,
					  .sack_perm = true,
					  .has_wscale = true,
					  .wscale = 7 };
		expect_layout(&o, w, sizeof(w));
	}
	/* Everything a Linux SYN has, plus a Fast Open cookie request. */
	{
		static const uint8_t w[] = { 2, 4, 0xff, 0xd7, 4,  2, 8, 10,
					     0, 0, 0,	 1,    0,  0, 0, 2,
					     1, 3, 3,	 7,    34, 2, 1, 1 };
		o = (struct tcp_options){ .has_mss = true,
					  .mss = 65495,
					  .sack_perm = true,
					  .has_ts = true,
					  .tsval = 1,
					  .tsecr = 2,
					  .has_wscale = true,
					  .wscale = 7,
					  .has_fastopen = true };
		expect_layout(&o, w, sizeof(w));
	}
	/* Cookies of 8, 6 and 16 bytes: padded to 4 with NOPs. */
	{
		static const uint8_t w8[] = { 34, 10, 1, 2, 3, 4,
					      5,  6,  7, 8, 1, 1 };
		static const uint8_t w6[] = { 34, 8, 1, 2, 3, 4, 5, 6 };
		uint8_t w16[20] = { 34, 18 };

		o = (struct tcp_options){ .has_fastopen = true,
					  .fastopen_len = 8 };
		for (i = 0; i < 16; i++)
			o.fastopen_cookie[i] = (uint8_t)(i + 1);
		expect_layout(&o, w8, sizeof(w8));
		o.fastopen_len = 6;
		expect_layout(&o, w6, sizeof(w6));
		o.fastopen_len = 16;
		memcpy(w16 + 2, o.fastopen_cookie, 16);
		w16[18] = w16[19] = 1;
		expect_layout(&o, w16, sizeof(w16));
	}
	/* An ACK: NOP,NOP,TS then NOP,NOP,SACK with 3 blocks: 40 bytes. */
	{
		uint8_t w[40] = { 1, 1, 8, 10, 0, 0, 0, 5,
				  0, 0, 0, 6,  1, 1, 5, 26 };

		o = (struct tcp_options){
			.has_ts = true, .tsval = 5, .tsecr = 6, .num_sacks = 3
		};
		for (i = 0; i < 3; i++) {
			o.sacks[i].start = 1000 * (i + 1);
			o.sacks[i].end = 1000 * (i + 1) + 500;
			wire_put_be32(w + 16 + 8 * i, o.sacks[i].start);
			wire_put_be32(w + 20 + 8 * i, o.sacks[i].end);
		}
		expect_layout(&o, w, sizeof(w));
		/* A fourth block does not fit with timestamps. */
		o.num_sacks = 4;
		cr_assert_eq(tcp_options_size(&o), 48);
		cr_assert_eq(tcp_emit(&(struct tcp_hdr_info){ .opt = o }, NULL,
				      NULL, 0, big, sizeof(big)),
			     0);
		/* Without them it does: 4 + 32. */
		o.has_ts = false;
		cr_assert_eq(tcp_options_size(&o), 36);
		tcp_round_trip(&(struct tcp_hdr_info){ .opt = o }, NULL, 0);
	}
	/* SACK-permitted alone, timestamps alone. */
	{
		static const uint8_t wsp[] = { 1, 1, 4, 2 };
		static const uint8_t wts[] = { 1,    1,	   8, 10, 0xff, 0xff,
					       0xff, 0xff, 0, 0,  0,	0 };

		o = (struct tcp_options){ .sack_perm = true };
		expect_layout(&o, wsp, sizeof(wsp));
		o = (struct tcp_options){ .has_ts = true, .tsval = 0xffffffff };
		expect_layout(&o, wts, sizeof(wts));
	}
}

Test(tcp, round_trips_flags_and_fields)
{
	struct tcp_hdr_info t = { .sport = 0xffff,
				  .dport = 1,
				  .seq = 0xfffffffe,
				  .ack_seq = 0x80000000,
				  .window = 0xffff,
				  .urg_ptr = 0x1234 };
	unsigned int f;

	for (f = 0; f < 0x200; f++) {
		t.flags = (uint16_t)f;
		tcp_round_trip(&t, (const uint8_t *)"odd", 3);
	}
	cr_assert_eq(big[12] & 1, 1); /* AE is the low bit of byte 12 */
	cr_assert_eq(big[13], 0xff);
	/* The largest segment (its data already in place), and one more. */
	tcp_round_trip(&t, big + TCP_HLEN, 65535 - TCP_HLEN);
	cr_assert_eq(tcp_emit(&t, NULL, NULL, 65536 - TCP_HLEN, big,
			      sizeof(big)),
		     0);
	cr_assert_eq(tcp_emit(&t, NULL, NULL, 0, big, TCP_HLEN - 1), 0);
	t.opt.has_mss = true;
	cr_assert_eq(tcp_emit(&t, NULL, NULL, 0, big, TCP_HLEN + 3), 0);
	/* Invalid options are refused, not written. */
	t.opt.num_sacks = 5;
	cr_assert_eq(tcp_emit(&t, NULL, NULL, 0, big, sizeof(big)), 0);
	t.opt.num_sacks = 0;
	t.opt.has_fastopen = true;
	t.opt.fastopen_len = 3;
	cr_assert_eq(tcp_emit(&t, NULL, NULL, 0, big, sizeof(big)), 0);
	t.opt.fastopen_len = 18;
	cr_assert_eq(tcp_emit(&t, NULL, NULL, 0, big, sizeof(big)), 0);
}

/* A 20-byte header with @opts (a multiple of 4), checksummed. */
static size_t tcp_with_options(uint8_t *seg, const uint8_t *opts, size_t n)
{
	struct tcp_hdr_info t = {
		.sport = 1, .dport = 2, .seq = 3, .flags = TCPHDR_SYN
	};

	cr_assert_eq(n % 4, 0);
	tcp_emit(&t, NULL, NULL, 0, seg, TCP_HLEN);
	seg[12] = (uint8_t)((TCP_HLEN + n) / 4 << 4);
	memcpy(seg + TCP_HLEN, opts, n);
	fix_tcp(seg, TCP_HLEN + n);
	return TCP_HLEN + n;
}

static struct tcp_options parse_options(const uint8_t *opts, size_t n, int want)
{
	struct tcp_hdr_info t;
	uint8_t seg[60];
	size_t len = tcp_with_options(seg, opts, n);

	EXPECT(p_tcp, seg, len, want);
	cr_assert_eq(tcp_parse(seg, len, &lo_ph, &t), want);
	cr_assert_eq(t.seq, 3); /* the header is there either way */
	return t.opt;
}

Test(tcp, parses_any_layout)
{
	struct tcp_options o;

	/* Unaligned, EOL-terminated, garbage after EOL. */
	{
		static const uint8_t b[] = { 2, 4, 0x05, 0xb4, 3, 3,
					     7, 4, 2,	 0,    9, 9 };
		o = parse_options(b, sizeof(b), WIRE_OK);
		cr_assert(o.has_mss && o.has_wscale && o.sack_perm);
		cr_assert_eq(o.mss, 1460);
		cr_assert_eq(o.wscale, 7);
		cr_assert_not(o.has_ts);
	}
	/* Unknown kinds (MPTCP 30, experimental 254) skipped by length;
	 * a window scale above 14 is reported as sent (RFC 7323 2.3). */
	{
		static const uint8_t b[] = { 30, 4, 0, 0, 254, 6, 0xf9, 0x89,
					     0,	 0, 3, 3, 200, 0, 0,	0 };
		o = parse_options(b, sizeof(b), WIRE_OK);
		cr_assert(o.has_wscale);
		cr_assert_eq(o.wscale, 200);
	}
	/* MD5 signature, timestamps, a 2-block SACK, a cookie. */
	{
		uint8_t b[40] = { 19, 18 };

		memcpy(b + 18, (uint8_t[]){ 5, 18, 0, 0, 0, 1, 0, 0, 0,	 2,
					    0, 0,  0, 3, 0, 0, 0, 4, 34, 4 },
		       20);
		b[38] = 0xaa;
		b[39] = 0xbb;
		o = parse_options(b, 40, WIRE_ERR_OPTION); /* cookie of 2 */
		cr_assert(o.has_md5);
		cr_assert_eq(o.num_sacks, 2);
		cr_assert_eq(o.sacks[1].start, 3);
		cr_assert_eq(o.sacks[1].end, 4);
		cr_assert_not(o.has_fastopen);
	}
	{
		static const uint8_t b[] = { 8, 10, 0,	0, 0, 7, 0, 0, 0, 8,
					     1, 1,  34, 6, 9, 8, 7, 6, 0, 0 };
		o = parse_options(b, sizeof(b), WIRE_OK);
		cr_assert(o.has_ts);
		cr_assert_eq(o.tsval, 7);
		cr_assert_eq(o.tsecr, 8);
		cr_assert(o.has_fastopen);
		cr_assert_eq(o.fastopen_len, 4);
		cr_assert_eq(o.fastopen_cookie[3], 6);
	}
	/* A repeated option: the last one wins, as in Linux. */
	{
		static const uint8_t b[] = { 2, 4, 0, 1, 2, 4, 0, 2 };
		o = parse_options(b, sizeof(b), WIRE_OK);
		cr_assert_eq(o.mss, 2);
	}
}

void reject_tcp(void)
{
	/* Malformed options, and what survives of them (what Linux's
	 * tcp_parse_options() would still act on). */
	static const struct {
		uint8_t opts[12];
		size_t n;
		bool mss; /* MSS survives (it comes first where present) */
		bool ws;  /* window scale after the bad one survives */
	} bad[] = {
		/* silly lengths 0 and 1: the walk stops */
		{ { 2, 4, 5, 0xb4, 8, 0, 3, 3, 7, 0, 0, 0 }, 12, true, false },
		{ { 2, 4, 5, 0xb4, 8, 1, 3, 3, 7, 0, 0, 0 }, 12, true, false },
		/* a length past the option space */
		{ { 2, 4, 5, 0xb4, 8, 10, 0, 0 }, 8, true, false },
		{ { 1, 1, 1, 254, 6, 0, 0, 0 }, 8, false, false },
		/* a kind in the last byte, with no room for a length */
		{ { 2, 4, 5, 0xb4, 1, 1, 1, 2 }, 8, true, false },
		/* known kinds with the wrong length: skipped, walk goes on */
		{ { 2, 3, 5, 3, 3, 7, 0, 0 }, 8, false, true },
		{ { 2, 4, 5, 0xb4, 3, 4, 7, 0, 3, 3, 7, 0 }, 12, true, true },
		{ { 2, 4, 5, 0xb4, 4, 3, 0, 3, 3, 7, 0, 0 }, 12, true, true },
		{ { 8, 9, 0, 0, 0, 0, 0, 0, 0, 3, 3, 7 }, 12, false, true },
		{ { 5, 2, 3, 3, 7, 0, 0, 0 }, 8, false, true },
		{ { 5, 6, 0, 0, 0, 0, 3, 3, 7, 0, 0, 0 }, 12, false, true },
		{ { 34, 3, 0, 3, 3, 7, 0, 0 }, 8, false, true },
		{ { 34, 7, 1, 2, 3, 4, 5, 3, 3, 7, 0, 0 }, 12, false, true },
		{ { 19, 4, 0, 0, 3, 3, 7, 0 }, 8, false, true },
	};
	/* SACK of 2 + 12, and a 20-byte cookie: in whole headers. */
	uint8_t sack14[16] = { 5, 14 }, cookie18[20] = { 34, 20 };
	uint8_t seg[60];
	struct tcp_options o;
	size_t i, n;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		o = parse_options(bad[i].opts, bad[i].n, WIRE_ERR_OPTION);
		cr_assert_eq(o.has_mss, bad[i].mss, "case %zu", i);
		cr_assert_eq(o.has_wscale, bad[i].ws, "case %zu", i);
		if (bad[i].ws)
			cr_assert_eq(o.wscale, 7);
	}
	o = parse_options(sack14, sizeof(sack14), WIRE_ERR_OPTION);
	cr_assert_eq(o.num_sacks, 0);
	o = parse_options(cookie18, sizeof(cookie18), WIRE_ERR_OPTION);
	cr_assert_not(o.has_fastopen);
	/* Every prefix of the Linux SYN: RFC 9293 3.1 "Data Offset". */
	memcpy(seg, L4(cap_syn), 40);
	fix_tcp(seg, 40);
	for (n = 0; n < TCP_HLEN; n++)
		EXPECT(p_tcp, seg, n, WIRE_ERR_TRUNCATED);
	for (; n < 40; n++)
		EXPECT(p_tcp, seg, n, WIRE_ERR_DATA_OFFSET);
	EXPECT(p_tcp, seg, 40, WIRE_OK);
	/* Data offsets 0..4, and 15 in a 40-byte segment. */
	for (n = 0; n < 5; n++) {
		seg[12] = (uint8_t)(n << 4);
		EXPECT(p_tcp_nocsum, seg, 40, WIRE_ERR_DATA_OFFSET);
	}
	seg[12] = 0xf0;
	EXPECT(p_tcp_nocsum, seg, 40, WIRE_ERR_DATA_OFFSET);
	/* One bit flipped anywhere but the data offset. */
	for (n = 0; n < 40 * 8; n++) {
		if (n / 8 == 12 && n % 8 >= 4)
			continue;
		memcpy(seg, L4(cap_syn), 40);
		fix_tcp(seg, 40);
		seg[n / 8] ^= (uint8_t)(1 << (n % 8));
		EXPECT(p_tcp, seg, 40, WIRE_ERR_CHECKSUM);
	}
	/* Cutting the payload breaks the checksum, not the header. */
	memcpy(seg, L4(cap_data), 34);
	fix_tcp(seg, 34);
	EXPECT(p_tcp, seg, 33, WIRE_ERR_CHECKSUM);
	EXPECT(p_tcp, seg, 32, WIRE_ERR_CHECKSUM);
	EXPECT(p_tcp, seg, 34, WIRE_OK);
}

Test(tcp, rejections)
{
	reject_tcp();
}
