/*
 * tcp.c - TCP headers and options (RFC 9293 3.1), bytes <->
 * struct tcp_hdr_info.
 *
 *  0      source port(16) | destination port(16)
 *  4      sequence number    8  acknowledgment number
 * 12      data offset(4) reserved(3) AE(1) | CWR ECE URG ACK PSH RST SYN FIN
 * 14      window(16)        16  checksum(16) | urgent pointer(16)
 * 20      options, up to data offset * 4
 */
#include "wire/tcp.h"

#include <string.h>

#include "lib/checksum.h"
#include "wire/ipv4.h"

static bool tcp_fastopen_len_ok(unsigned int n)
{
	/* RFC 7413 4.1.1: empty (a request) or 4..16 bytes; Linux also
	 * wants it even (tcp_parse_fastopen_option()). */
	return n == 0 || (n >= TCP_FASTOPEN_COOKIE_MIN &&
			  n <= TCP_FASTOPEN_COOKIE_MAX && !(n & 1));
}

/* One option of kind @kind whose value is v[0..n); false if n is wrong. */
static bool tcp_parse_option(uint8_t kind, const uint8_t *v, unsigned int n,
			     struct tcp_options *o)
{
	unsigned int i;

	switch (kind) {
	case TCP_OPT_MSS:
		if (n != 2)
			return false;
		o->has_mss = true;
		o->mss = wire_get_be16(v);
		break;
	case TCP_OPT_WSCALE:
		if (n != 1)
			return false;
		o->has_wscale = true;
		o->wscale = v[0];
		break;
	case TCP_OPT_SACK_PERM:
		if (n != 0)
			return false;
		o->sack_perm = true;
		break;
	case TCP_OPT_SACK:
		/* RFC 2018 3: 2 + 8n bytes; n >= 1 as Linux requires (and
		 * n <= 4, which the 40-byte option space already implies). */
		if (n == 0 || n % 8 || n / 8 > TCP_MAX_SACK)
			return false;
		o->num_sacks = (uint8_t)(n / 8);
		for (i = 0; i < o->num_sacks; i++) {
			o->sacks[i].start = wire_get_be32(v + 8 * i);
			o->sacks[i].end = wire_get_be32(v + 8 * i + 4);
		}
		break;
	case TCP_OPT_TIMESTAMP:
		if (n != 8)
			return false;
		o->has_ts = true;
		o->tsval = wire_get_be32(v);
		o->tsecr = wire_get_be32(v + 4);
		break;
	case TCP_OPT_MD5SIG:
		if (n != 16)
			return false;
		o->has_md5 = true;
		break;
	case TCP_OPT_FASTOPEN:
		if (!tcp_fastopen_len_ok(n))
			return false;
		o->has_fastopen = true;
		o->fastopen_len = (uint8_t)n;
		memcpy(o->fastopen_cookie, v, n);
		break;
	default:
		/* RFC 9293 MUST-5: ignore kinds we do not implement. */
		break;
	}
	return true;
}

/* The option walk; see tcp_parse() for what is malformed. */
static int tcp_parse_options(const uint8_t *p, size_t len,
			     struct tcp_options *o)
{
	int err = WIRE_OK;
	size_t i = 0;
	unsigned int olen;

	memset(o, 0, sizeof(*o));
	while (i < len) {
		if (p[i] == TCP_OPT_EOL)
			break;
		if (p[i] == TCP_OPT_NOP) {
			i++;
			continue;
		}
		/* RFC 9293 MUST-7: an illegal length ends the walk. */
		if (len - i < 2)
			return WIRE_ERR_OPTION;
		olen = p[i + 1];
		if (olen < 2 || olen > len - i)
			return WIRE_ERR_OPTION;
		if (!tcp_parse_option(p[i], p + i + 2, olen - 2, o))
			err = WIRE_ERR_OPTION;
		i += olen;
	}
	return err;
}

int tcp_parse(const uint8_t *buf, size_t len, const struct wire_pseudo *ph,
	      struct tcp_hdr_info *out)
{
	unsigned int hlen;

	if (len < TCP_HLEN)
		return WIRE_ERR_TRUNCATED;
	/* RFC 9293 3.1 "Data Offset": the header is 5..15 words. */
	hlen = (buf[12] >> 4) * 4u;
	if (hlen < TCP_HLEN || hlen > len)
		return WIRE_ERR_DATA_OFFSET;
	/* RFC 9293 3.1 "Checksum", 3.10.7.1: a bad one is discarded. */
	if (ph &&
	    csum_tcpudp_magic(ph->saddr, ph->daddr, (uint32_t)len,
			      IPV4_PROTO_TCP, csum_partial(buf, len, 0)) != 0)
		return WIRE_ERR_CHECKSUM;
	out->sport = wire_get_be16(buf);
	out->dport = wire_get_be16(buf + 2);
	out->seq = wire_get_be32(buf + 4);
	out->ack_seq = wire_get_be32(buf + 8);
	out->flags = (uint16_t)((buf[12] & 1) << 8 | buf[13]);
	out->window = wire_get_be16(buf + 14);
	out->check = wire_get_be16(buf + 16);
	out->urg_ptr = wire_get_be16(buf + 18);
	out->hdr_len = (uint8_t)hlen;
	return tcp_parse_options(buf + TCP_HLEN, hlen - TCP_HLEN, &out->opt);
}

size_t tcp_options_size(const struct tcp_options *o)
{
	size_t size = 0;

	if (o->has_mss)
		size += 4;
	if (o->has_ts)
		size += 12; /* SACK-permitted rides in its two NOPs */
	else if (o->sack_perm)
		size += 4;
	if (o->has_wscale)
		size += 4;
	if (o->num_sacks)
		size += 4 + 8u * o->num_sacks;
	if (o->has_fastopen)
		size += (2u + o->fastopen_len + 3) & ~3u;
	return size;
}

static uint8_t *put_opt4(uint8_t *p, uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	p[0] = a;
	p[1] = b;
	p[2] = c;
	p[3] = d;
	return p + 4;
}

/* Linux's tcp_options_write(), every option 32-bit aligned. */
static void tcp_write_options(const struct tcp_options *o, uint8_t *p)
{
	unsigned int i, n;

	if (o->has_mss) {
		put_opt4(p, TCP_OPT_MSS, 4, 0, 0);
		wire_put_be16(p + 2, o->mss);
		p += 4;
	}
	if (o->has_ts) {
		if (o->sack_perm)
			p = put_opt4(p, TCP_OPT_SACK_PERM, 2, TCP_OPT_TIMESTAMP,
				     10);
		else
			p = put_opt4(p, TCP_OPT_NOP, TCP_OPT_NOP,
				     TCP_OPT_TIMESTAMP, 10);
		wire_put_be32(p, o->tsval);
		wire_put_be32(p + 4, o->tsecr);
		p += 8;
	} else if (o->sack_perm) {
		p = put_opt4(p, TCP_OPT_NOP, TCP_OPT_NOP, TCP_OPT_SACK_PERM, 2);
	}
	if (o->has_wscale)
		p = put_opt4(p, TCP_OPT_NOP, TCP_OPT_WSCALE, 3, o->wscale);
	if (o->num_sacks) {
		p = put_opt4(p, TCP_OPT_NOP, TCP_OPT_NOP, TCP_OPT_SACK,
			     (uint8_t)(2 + 8 * o->num_sacks));
		for (i = 0; i < o->num_sacks; i++) {
			wire_put_be32(p, o->sacks[i].start);
			wire_put_be32(p + 4, o->sacks[i].end);
			p += 8;
		}
	}
	if (o->has_fastopen) {
		n = 2u + o->fastopen_len;
		p[0] = TCP_OPT_FASTOPEN;
		p[1] = (uint8_t)n;
		memcpy(p + 2, o->fastopen_cookie, o->fastopen_len);
		for (; n & 3; n++)
			p[n] = TCP_OPT_NOP;
	}
}

size_t tcp_emit(const struct tcp_hdr_info *in, const struct wire_pseudo *ph,
		const void *payload, size_t payload_len, uint8_t *buf,
		size_t room)
{
	const struct tcp_options *o = &in->opt;
	size_t hlen = TCP_HLEN + tcp_options_size(o);
	uint32_t sum;

	if (hlen > TCP_HLEN + TCP_MAX_OPT_LEN || room < hlen ||
	    payload_len > 0xffff - hlen || o->num_sacks > TCP_MAX_SACK ||
	    (o->has_fastopen && !tcp_fastopen_len_ok(o->fastopen_len)))
		return 0;
	wire_put_be16(buf, in->sport);
	wire_put_be16(buf + 2, in->dport);
	wire_put_be32(buf + 4, in->seq);
	wire_put_be32(buf + 8, in->ack_seq);
	buf[12] = (uint8_t)(hlen / 4 << 4 | (in->flags >> 8 & 1));
	buf[13] = (uint8_t)in->flags;
	wire_put_be16(buf + 14, in->window);
	wire_put_be16(buf + 16, 0);
	wire_put_be16(buf + 18, in->urg_ptr);
	tcp_write_options(o, buf + TCP_HLEN);
	if (ph) {
		/* hlen is even, so the payload's words line up. */
		sum = csum_partial(buf, hlen, 0);
		sum = csum_partial(payload, payload_len, sum);
		wire_put_be16(buf + 16,
			      csum_tcpudp_magic(ph->saddr, ph->daddr,
						(uint32_t)(hlen + payload_len),
						IPV4_PROTO_TCP, sum));
	}
	return hlen;
}
