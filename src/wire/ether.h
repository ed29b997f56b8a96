/*
 * ether.h - Ethernet II headers (IEEE 802.3 clause 3, with the DIX type
 * field), bytes <-> struct ether_hdr_info.
 *
 * Sits at the bottom of src/wire: a device hands a frame to the core,
 * which parses it here and dispatches on the type (IPv4 to ip_input, ARP
 * to arp).  No FCS: devices (TAP, the in-process link) neither carry nor
 * expect one, and frames shorter than 60 bytes are accepted (a TAP device
 * delivers them unpadded).
 *
 * VLAN: one 802.1Q (0x8100) or 802.1ad (0x88a8) tag is skipped and
 * reported in vlan/vlan_tci, the way Linux's skb_vlan_untag() strips it
 * before the protocol handlers run.  Whether to accept the frame is the
 * core's call: Linux, with no VLAN device configured, takes a
 * priority-tagged frame (VID 0) as untagged and drops any other VID
 * (PACKET_OTHERHOST).  A second (inner) tag is not skipped: it shows up
 * as type ETHER_TYPE_VLAN, which no handler takes.
 */
#ifndef USNET_WIRE_ETHER_H
#define USNET_WIRE_ETHER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "wire/wire.h"

#define ETHER_MAC_LEN	6
#define ETHER_HLEN	14 /* dst, src, type */
#define ETHER_VLAN_HLEN 18 /* plus a 4-byte tag before the type */

/* Ethertypes (IEEE registry); values below 0x0600 are 802.3 lengths. */
enum {
	ETHER_TYPE_IPV4 = 0x0800,
	ETHER_TYPE_ARP = 0x0806,
	ETHER_TYPE_VLAN = 0x8100, /* IEEE 802.1Q C-tag */
	ETHER_TYPE_IPV6 = 0x86dd,
	ETHER_TYPE_QINQ = 0x88a8, /* IEEE 802.1ad S-tag */
};

#define ETHER_VLAN_VID(tci) ((tci)&0x0fff)

struct ether_hdr_info {
	uint8_t dst[ETHER_MAC_LEN];
	uint8_t src[ETHER_MAC_LEN];
	/* the payload's ethertype, after the VLAN tag if there was one */
	uint16_t type;
	/* a tag was present (parse) or is to be written (emit) */
	bool vlan;
	/* its tag protocol (ETHER_TYPE_VLAN or _QINQ; emit: 0 means VLAN) */
	uint16_t vlan_tpid;
	/* its tag control: priority (3 bits), DEI (1), VLAN id (12) */
	uint16_t vlan_tci;
	/* parse only: ETHER_HLEN or ETHER_VLAN_HLEN; the payload follows */
	uint8_t hdr_len;
};

/**
 * ether_parse - the checked constructor for an Ethernet header
 * @buf: the frame
 * @len: its length
 * @out: filled on WIRE_OK
 *
 * Return: WIRE_OK, or WIRE_ERR_TRUNCATED if @len is shorter than the
 * header (14 bytes, 18 with a tag).
 */
int ether_parse(const uint8_t *buf, size_t len, struct ether_hdr_info *out);

/**
 * ether_emit - write an Ethernet header
 * @in: the header; a tag is written if @in->vlan
 * @buf: where to write it
 * @room: bytes available at @buf
 *
 * Does not pad the frame to 60 bytes; that is the device's business.
 *
 * Return: the header length, or 0 if @room is too small.
 */
size_t ether_emit(const struct ether_hdr_info *in, uint8_t *buf, size_t room);

static inline bool ether_addr_is_multicast(const uint8_t *addr)
{
	return addr[0] & 1; /* the I/G bit; broadcast is a multicast */
}

static inline bool ether_addr_is_broadcast(const uint8_t *addr)
{
	return (addr[0] & addr[1] & addr[2] & addr[3] & addr[4] & addr[5]) ==
	       0xff;
}

static inline bool ether_addr_equal(const uint8_t *a, const uint8_t *b)
{
	return memcmp(a, b, ETHER_MAC_LEN) == 0;
}

#endif
