/*
 * arp.c - ARP packets for IPv4 over Ethernet (RFC 826), bytes <->
 * struct arp_hdr_info.
 *
 * Layout: hrd(2) pro(2) hln(1) pln(1) op(2) sha(6) spa(4) tha(6) tpa(4).
 */
#include "wire/arp.h"

#include <string.h>

int arp_parse(const uint8_t *buf, size_t len, struct arp_hdr_info *out)
{
	uint16_t hrd, op;

	if (len < ARP_ETH_IPV4_LEN)
		return WIRE_ERR_TRUNCATED;
	/* RFC 826 "Packet Reception": hardware type, protocol, lengths. */
	hrd = wire_get_be16(buf);
	if ((hrd != ARP_HRD_ETHER && hrd != ARP_HRD_IEEE802) ||
	    wire_get_be16(buf + 2) != ETHER_TYPE_IPV4 ||
	    buf[4] != ETHER_MAC_LEN || buf[5] != 4)
		return WIRE_ERR_UNSUPPORTED;
	op = wire_get_be16(buf + 6);
	if (op != ARP_OP_REQUEST && op != ARP_OP_REPLY)
		return WIRE_ERR_UNSUPPORTED;
	out->op = op;
	memcpy(out->sha, buf + 8, ETHER_MAC_LEN);
	out->spa = wire_get_be32(buf + 14);
	memcpy(out->tha, buf + 18, ETHER_MAC_LEN);
	out->tpa = wire_get_be32(buf + 24);
	return WIRE_OK;
}

size_t arp_emit(const struct arp_hdr_info *in, uint8_t *buf, size_t room)
{
	if (room < ARP_ETH_IPV4_LEN)
		return 0;
	wire_put_be16(buf, ARP_HRD_ETHER);
	wire_put_be16(buf + 2, ETHER_TYPE_IPV4);
	buf[4] = ETHER_MAC_LEN;
	buf[5] = 4;
	wire_put_be16(buf + 6, in->op);
	memcpy(buf + 8, in->sha, ETHER_MAC_LEN);
	wire_put_be32(buf + 14, in->spa);
	memcpy(buf + 18, in->tha, ETHER_MAC_LEN);
	wire_put_be32(buf + 24, in->tpa);
	return ARP_ETH_IPV4_LEN;
}
