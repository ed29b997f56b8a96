/*
 * icmp.c - ICMP messages (RFC 792), bytes <-> struct icmp_hdr_info.
 *
 *  0      type(8) | code(8) | checksum(16)
 *  4      a word whose meaning depends on the type
 *  8      the body: echo data, or the quoted IPv4 header + 8 bytes
 */
#include "wire/icmp.h"

#include <string.h>

#include "lib/checksum.h"

static bool icmp_has_id_seq(uint8_t type)
{
	return type == ICMP_TYPE_ECHO || type == ICMP_TYPE_ECHO_REPLY ||
	       type == ICMP_TYPE_TIMESTAMP || type == ICMP_TYPE_TIMESTAMP_REPLY;
}

int icmp_parse_hdr(const uint8_t *buf, size_t len, struct icmp_hdr_info *out)
{
	if (len < ICMP_HLEN)
		return WIRE_ERR_TRUNCATED;
	memset(out, 0, sizeof(*out));
	out->type = buf[0];
	out->code = buf[1];
	out->check = wire_get_be16(buf + 2);
	out->rest = wire_get_be32(buf + 4);
	if (icmp_has_id_seq(out->type)) {
		out->id = (uint16_t)(out->rest >> 16);
		out->seq = (uint16_t)out->rest;
	} else if (out->type == ICMP_TYPE_DEST_UNREACH) {
		out->mtu = (uint16_t)out->rest;
	} else if (out->type == ICMP_TYPE_PARAMETERPROB) {
		out->pointer = (uint8_t)(out->rest >> 24);
	} else if (out->type == ICMP_TYPE_REDIRECT) {
		out->gateway = out->rest;
	}
	return WIRE_OK;
}

int icmp_parse(const uint8_t *buf, size_t len, struct icmp_hdr_info *out)
{
	const uint8_t *q;
	int err;

	if (len < ICMP_HLEN)
		return WIRE_ERR_TRUNCATED;
	/* RFC 792: the checksum covers the whole message; Linux checks it
	 * in icmp_rcv() before looking at the type. */
	if (csum_fold(csum_partial(buf, len, 0)) != 0)
		return WIRE_ERR_CHECKSUM;
	icmp_parse_hdr(buf, len, out);
	if (!icmp_is_error(out->type))
		return WIRE_OK;
	err = ipv4_parse_quoted(buf + ICMP_HLEN, len - ICMP_HLEN, &out->quote);
	if (err != WIRE_OK)
		return err;
	q = buf + ICMP_HLEN + out->quote.hdr_len;
	out->quote_sport = wire_get_be16(q);
	out->quote_dport = wire_get_be16(q + 2);
	out->quote_seq = wire_get_be32(q + 4);
	return WIRE_OK;
}

size_t icmp_emit(const struct icmp_hdr_info *in, const void *body,
		 size_t body_len, uint8_t *buf, size_t room)
{
	uint32_t rest = in->rest, sum;

	if (room < ICMP_HLEN || body_len > IPV4_MAX_LEN - IPV4_HLEN - ICMP_HLEN)
		return 0;
	if (icmp_has_id_seq(in->type))
		rest = (uint32_t)in->id << 16 | in->seq;
	else if (in->type == ICMP_TYPE_DEST_UNREACH)
		rest = in->mtu;
	else if (in->type == ICMP_TYPE_PARAMETERPROB)
		rest = (uint32_t)in->pointer << 24;
	else if (in->type == ICMP_TYPE_REDIRECT)
		rest = in->gateway;
	buf[0] = in->type;
	buf[1] = in->code;
	wire_put_be16(buf + 2, 0);
	wire_put_be32(buf + 4, rest);
	sum = csum_partial(buf, ICMP_HLEN, 0);
	sum = csum_partial(body, body_len, sum);
	wire_put_be16(buf + 2, csum_fold(sum));
	return ICMP_HLEN;
}
