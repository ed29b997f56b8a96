/*
 * udp.c - UDP headers (RFC 768), bytes <-> struct udp_hdr_info.
 *
 *  0      source port(16) | destination port(16)
 *  4      length(16) | checksum(16)
 */
#include "wire/udp.h"

#include "lib/checksum.h"
#include "wire/ipv4.h"

int udp_parse(const uint8_t *buf, size_t len, const struct wire_pseudo *ph,
	      struct udp_hdr_info *out)
{
	uint16_t ulen, check;

	if (len < UDP_HLEN)
		return WIRE_ERR_TRUNCATED;
	/* RFC 768 "Length": header and data, so at least 8. */
	ulen = wire_get_be16(buf + 4);
	if (ulen < UDP_HLEN || ulen > len)
		return WIRE_ERR_TOTAL_LEN;
	/* RFC 768 "Checksum": all zero means none was computed; RFC 1122
	 * 4.1.3.4: a wrong one is discarded silently. */
	check = wire_get_be16(buf + 6);
	if (check && ph &&
	    csum_tcpudp_magic(ph->saddr, ph->daddr, ulen, IPV4_PROTO_UDP,
			      csum_partial(buf, ulen, 0)) != 0)
		return WIRE_ERR_CHECKSUM;
	out->sport = wire_get_be16(buf);
	out->dport = wire_get_be16(buf + 2);
	out->len = ulen;
	out->check = check;
	return WIRE_OK;
}

size_t udp_emit(const struct udp_hdr_info *in, const struct wire_pseudo *ph,
		const void *payload, size_t payload_len, uint8_t *buf,
		size_t room)
{
	uint16_t ulen, check = 0;
	uint32_t sum;

	if (room < UDP_HLEN || payload_len > 0xffff - UDP_HLEN)
		return 0;
	ulen = (uint16_t)(UDP_HLEN + payload_len);
	wire_put_be16(buf, in->sport);
	wire_put_be16(buf + 2, in->dport);
	wire_put_be16(buf + 4, ulen);
	wire_put_be16(buf + 6, 0);
	if (ph) {
		sum = csum_partial(buf, UDP_HLEN, 0);
		sum = csum_partial(payload, payload_len, sum);
		check = csum_tcpudp_magic(ph->saddr, ph->daddr, ulen,
					  IPV4_PROTO_UDP, sum);
		if (check == 0)
			check = 0xffff;
	}
	wire_put_be16(buf + 6, check);
	return UDP_HLEN;
}
