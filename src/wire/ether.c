/*
 * ether.c - Ethernet II headers, bytes <-> struct ether_hdr_info; see
 * ether.h for what is accepted and why.
 */
#include "wire/ether.h"

int ether_parse(const uint8_t *buf, size_t len, struct ether_hdr_info *out)
{
	uint16_t type;

	if (len < ETHER_HLEN)
		return WIRE_ERR_TRUNCATED;
	memcpy(out->dst, buf, ETHER_MAC_LEN);
	memcpy(out->src, buf + ETHER_MAC_LEN, ETHER_MAC_LEN);
	type = wire_get_be16(buf + 12);
	out->vlan = false;
	out->vlan_tpid = 0;
	out->vlan_tci = 0;
	out->hdr_len = ETHER_HLEN;
	if (type == ETHER_TYPE_VLAN || type == ETHER_TYPE_QINQ) {
		/* IEEE 802.1Q 9.3: TPID, then TCI, then the real type. */
		if (len < ETHER_VLAN_HLEN)
			return WIRE_ERR_TRUNCATED;
		out->vlan = true;
		out->vlan_tpid = type;
		out->vlan_tci = wire_get_be16(buf + 14);
		type = wire_get_be16(buf + 16);
		out->hdr_len = ETHER_VLAN_HLEN;
	}
	out->type = type;
	return WIRE_OK;
}

size_t ether_emit(const struct ether_hdr_info *in, uint8_t *buf, size_t room)
{
	size_t hlen = in->vlan ? ETHER_VLAN_HLEN : ETHER_HLEN;
	uint8_t *p = buf + 12;

	if (room < hlen)
		return 0;
	memcpy(buf, in->dst, ETHER_MAC_LEN);
	memcpy(buf + ETHER_MAC_LEN, in->src, ETHER_MAC_LEN);
	if (in->vlan) {
		wire_put_be16(p,
			      in->vlan_tpid ? in->vlan_tpid : ETHER_TYPE_VLAN);
		wire_put_be16(p + 2, in->vlan_tci);
		p += 4;
	}
	wire_put_be16(p, in->type);
	return hlen;
}
