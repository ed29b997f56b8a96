/*
 * arp.h - ARP packets for IPv4 over Ethernet (RFC 826), bytes <->
 * struct arp_hdr_info.
 *
 * Sits above ether.h: the core parses a frame of type ETHER_TYPE_ARP
 * here and hands the result to src/inet's arp, which owns the neighbour
 * table.  Only the Ethernet/IPv4 form exists (28 bytes); anything else is
 * refused the way Linux's arp_rcv() and arp_process() refuse it.
 */
#ifndef USNET_WIRE_ARP_H
#define USNET_WIRE_ARP_H

#include <stddef.h>
#include <stdint.h>

#include "wire/ether.h"
#include "wire/wire.h"

#define ARP_ETH_IPV4_LEN 28

/* RFC 826 "ar$hrd": Ethernet; Linux also takes IEEE 802 (6) on Ethernet. */
#define ARP_HRD_ETHER	1
#define ARP_HRD_IEEE802 6

enum {
	ARP_OP_REQUEST = 1,
	ARP_OP_REPLY = 2,
};

struct arp_hdr_info {
	uint16_t op;		    /* ARP_OP_REQUEST or ARP_OP_REPLY */
	uint8_t sha[ETHER_MAC_LEN]; /* sender hardware address */
	uint32_t spa;		    /* sender IPv4 address, host order */
	uint8_t tha[ETHER_MAC_LEN]; /* target hardware address */
	uint32_t tpa;		    /* target IPv4 address, host order */
};

/**
 * arp_parse - the checked constructor for an ARP packet
 * @buf: the Ethernet payload
 * @len: its length (trailing padding is ignored)
 * @out: filled on WIRE_OK
 *
 * Return: WIRE_OK; WIRE_ERR_TRUNCATED below 28 bytes;
 * WIRE_ERR_UNSUPPORTED if the hardware type is not Ethernet (1 or 6), the
 * protocol not IPv4, the address lengths not 6 and 4 (RFC 826 "Packet
 * Reception"), or the opcode neither request nor reply.
 */
int arp_parse(const uint8_t *buf, size_t len, struct arp_hdr_info *out);

/**
 * arp_emit - write an Ethernet/IPv4 ARP packet
 * @in: the packet; hardware type 1 is written
 * @buf: where to write it
 * @room: bytes available at @buf
 *
 * Return: ARP_ETH_IPV4_LEN, or 0 if @room is too small.
 */
size_t arp_emit(const struct arp_hdr_info *in, uint8_t *buf, size_t room);

#endif
