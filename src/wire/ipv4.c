/*
 * ipv4.c - IPv4 headers (RFC 791 3.1), bytes <-> struct ipv4_hdr_info.
 *
 *  0      version(4) IHL(4) | TOS(8) | total length(16)
 *  4      identification(16) | flags(3) fragment offset(13)
 *  8      TTL(8) | protocol(8) | header checksum(16)
 * 12      source address      16  destination address   20  options
 */
#include "wire/ipv4.h"

#include <string.h>

#include "lib/checksum.h"

#define IPV4_FLAG_DF	 0x4000
#define IPV4_FLAG_MF	 0x2000
#define IPV4_OFFSET_MASK 0x1fff

/* The fields both parsers take as they are, once IHL is known good. */
static void ipv4_fill(const uint8_t *buf, unsigned int hlen,
		      struct ipv4_hdr_info *out)
{
	uint16_t frag = wire_get_be16(buf + 6);

	out->tos = buf[1];
	out->tot_len = wire_get_be16(buf + 2);
	out->id = wire_get_be16(buf + 4);
	out->df = frag & IPV4_FLAG_DF;
	out->mf = frag & IPV4_FLAG_MF;
	out->frag_off = (uint16_t)((frag & IPV4_OFFSET_MASK) << 3);
	out->ttl = buf[8];
	out->protocol = buf[9];
	out->check = wire_get_be16(buf + 10);
	out->saddr = wire_get_be32(buf + 12);
	out->daddr = wire_get_be32(buf + 16);
	out->hdr_len = (uint8_t)hlen;
	out->opt = buf + IPV4_HLEN;
	out->opt_len = (uint8_t)(hlen - IPV4_HLEN);
}

int ipv4_parse(const uint8_t *buf, size_t len, struct ipv4_hdr_info *out)
{
	unsigned int hlen, tot;

	if (len < IPV4_HLEN)
		return WIRE_ERR_TRUNCATED;
	/* RFC 791 3.1 "Version"; RFC 1122 3.2.1.1: silently discard. */
	if (buf[0] >> 4 != 4)
		return WIRE_ERR_VERSION;
	/* RFC 791 3.1 "IHL": at least 5 words. */
	hlen = (buf[0] & 0x0f) * 4u;
	if (hlen < IPV4_HLEN || hlen > len)
		return WIRE_ERR_HDR_LEN;
	/* RFC 1122 3.2.1.2: a datagram with a bad checksum is discarded. */
	if (csum_fold(csum_partial(buf, hlen, 0)) != 0)
		return WIRE_ERR_CHECKSUM;
	/* RFC 791 3.1 "Total Length": covers header and data. */
	tot = wire_get_be16(buf + 2);
	if (tot > len || tot < hlen)
		return WIRE_ERR_TOTAL_LEN;
	ipv4_fill(buf, hlen, out);
	return WIRE_OK;
}

int ipv4_parse_quoted(const uint8_t *buf, size_t len, struct ipv4_hdr_info *out)
{
	unsigned int hlen;

	if (len < IPV4_HLEN)
		return WIRE_ERR_TRUNCATED;
	if (buf[0] >> 4 != 4)
		return WIRE_ERR_VERSION;
	hlen = (buf[0] & 0x0f) * 4u;
	if (hlen < IPV4_HLEN)
		return WIRE_ERR_HDR_LEN;
	/* RFC 792: "Internet Header + 64 bits of Original Data Datagram". */
	if (len < hlen + 8)
		return WIRE_ERR_TRUNCATED;
	ipv4_fill(buf, hlen, out);
	return WIRE_OK;
}

size_t ipv4_emit(const struct ipv4_hdr_info *in, size_t payload_len,
		 uint8_t *buf, size_t room)
{
	size_t hlen = IPV4_HLEN + ((in->opt_len + 3u) & ~3u);

	if (in->opt_len > IPV4_MAX_OPT_LEN || room < hlen ||
	    payload_len > IPV4_MAX_LEN - hlen || (in->frag_off & 7))
		return 0;
	buf[0] = (uint8_t)(4 << 4 | hlen / 4);
	buf[1] = in->tos;
	wire_put_be16(buf + 2, (uint16_t)(hlen + payload_len));
	wire_put_be16(buf + 4, in->id);
	wire_put_be16(buf + 6, (uint16_t)((in->df ? IPV4_FLAG_DF : 0) |
					  (in->mf ? IPV4_FLAG_MF : 0) |
					  in->frag_off >> 3));
	buf[8] = in->ttl;
	buf[9] = in->protocol;
	wire_put_be16(buf + 10, 0);
	wire_put_be32(buf + 12, in->saddr);
	wire_put_be32(buf + 16, in->daddr);
	/* memmove: the options may be the ones parsed from this buffer. */
	if (in->opt_len)
		memmove(buf + IPV4_HLEN, in->opt, in->opt_len);
	memset(buf + IPV4_HLEN + in->opt_len, 0,
	       hlen - IPV4_HLEN - in->opt_len);
	wire_put_be16(buf + 10, csum_fold(csum_partial(buf, hlen, 0)));
	return hlen;
}

int ipv4_complete_raw(uint8_t *buf, size_t len, uint32_t saddr, uint16_t id,
		      bool *id_used)
{
	unsigned int hlen;

	*id_used = false;
	if (len < IPV4_HLEN)
		return WIRE_ERR_TRUNCATED;
	hlen = (buf[0] & 0x0f) * 4u;
	/* RFC 791 3.1 "IHL": at least 5 words. */
	if (hlen < IPV4_HLEN || hlen > len)
		return WIRE_ERR_HDR_LEN;
	if (wire_get_be32(buf + 12) == 0)
		wire_put_be32(buf + 12, saddr);
	wire_put_be16(buf + 2, (uint16_t)len);
	if (wire_get_be16(buf + 4) == 0) {
		wire_put_be16(buf + 4, id);
		*id_used = true;
	}
	wire_put_be16(buf + 10, 0);
	wire_put_be16(buf + 10, csum_fold(csum_partial(buf, hlen, 0)));
	return WIRE_OK;
}

void ipv4_decrease_ttl(uint8_t *buf)
{
	uint16_t old = wire_get_be16(buf + 8);

	buf[8]--;
	wire_put_be16(buf + 10, csum_replace2(wire_get_be16(buf + 10), old,
					      wire_get_be16(buf + 8)));
}
