/*
 * datagram.h - receiving datagrams (Linux's net/core/datagram.c).
 */
#ifndef USNET_CORE_DATAGRAM_H
#define USNET_CORE_DATAGRAM_H

#include "core/sock.h"

/*
 * The next datagram of @sk's receive queue, waiting as the socket's
 * timeout and MSG_DONTWAIT say; with MSG_PEEK it stays queued and a peek
 * offset (SO_PEEK_OFF) skips whole datagrams, leaving the offset into the
 * one returned in *@off (0 otherwise).  NULL with *@err: -EAGAIN, -EINTR,
 * the socket's pending error, -ENOTCONN for a disconnected seqpacket, or 0
 * after a receive shutdown.  Lock held; dropped while waiting.
 */
struct sk_buff *skb_recv_datagram(struct sock *sk, int flags, int *off,
				  int *err);

#endif
