/*
 * tcp_fastopen.c - TCP Fast Open (RFC 7413), as Linux does it: data in the
 * SYN for a client that holds a cookie from an earlier connection, taken
 * by a listener with TCP_FASTOPEN set and handed to accept() before the
 * handshake ends.
 *
 * net.ipv4.tcp_fastopen's bits are Linux's: 1 the client side (on by
 * default), 2 the server side.  The server's cookie is a keyed hash of
 * the client's address (RFC 7413 4.1.2), 8 bytes; the client keeps the
 * cookies it was given per destination address in a small cache of the
 * namespace (Linux keeps them in tcp_metrics).
 */
#include <string.h>

#include "inet/netns_ipv4.h"
#include "inet/tcp.h"

#define TFO_COOKIE_LEN 8

/* RFC 7413 4.1.2: the cookie of client @saddr at server @daddr. */
static void tcp_fastopen_cookie_gen(struct net *net, uint32_t saddr,
				    uint32_t daddr, uint8_t *cookie)
{
	uint64_t h = tcp_secret_hash(net, saddr, daddr, 0x7f0, 0x413);

	memcpy(cookie, &h, TFO_COOKIE_LEN);
}

bool tcp_fastopen_server(struct sock *lsk)
{
	return (READ_ONCE(sock_net(lsk)->sysctl.tcp_fastopen) &
		TFO_SERVER_ENABLE) &&
	       tcp_sk(lsk)->fastopen_qlen > 0;
}

/* A SYN with a Fast Open option for a listener that takes them: whether
 * its cookie is good; otherwise @synack gets the one to send back
 * (RFC 7413 4.2.2: a request, or a bad cookie). */
bool tcp_fastopen_check(struct net *net, uint32_t saddr, uint32_t daddr,
			const struct tcp_options *opt,
			struct tcp_options *synack)
{
	uint8_t good[TFO_COOKIE_LEN];

	tcp_fastopen_cookie_gen(net, saddr, daddr, good);
	if (opt->fastopen_len == TFO_COOKIE_LEN &&
	    !memcmp(opt->fastopen_cookie, good, TFO_COOKIE_LEN))
		return true;
	synack->has_fastopen = true;
	synack->fastopen_len = TFO_COOKIE_LEN;
	memcpy(synack->fastopen_cookie, good, TFO_COOKIE_LEN);
	return false;
}

/* ---- the client's cookies ------------------------------------------------ */

static struct tcp_fastopen_entry *tfo_find(struct net *net, uint32_t daddr)
{
	struct tcp_fastopen_cache *c = tcp_fastopen_cache(net);

	for (unsigned int i = 0; i < TFO_CACHE_SIZE; i++)
		if (c->e[i].len && c->e[i].daddr == daddr)
			return &c->e[i];
	return NULL;
}

bool tcp_fastopen_cookie_get(struct net *net, uint32_t daddr,
			     struct tcp_options *opt)
{
	struct tcp_fastopen_entry *e = tfo_find(net, daddr);

	opt->has_fastopen = true;
	opt->fastopen_len = e ? e->len : 0;
	if (e)
		memcpy(opt->fastopen_cookie, e->cookie, e->len);
	return e != NULL;
}

void tcp_fastopen_cookie_set(struct net *net, uint32_t daddr,
			     const struct tcp_options *opt)
{
	struct tcp_fastopen_cache *c = tcp_fastopen_cache(net);
	struct tcp_fastopen_entry *e = tfo_find(net, daddr);

	if (!opt->has_fastopen || opt->fastopen_len < TCP_FASTOPEN_COOKIE_MIN)
		return;
	if (!e) {
		e = &c->e[c->next];
		c->next = (c->next + 1) % TFO_CACHE_SIZE;
	}
	e->daddr = daddr;
	e->len = opt->fastopen_len;
	memcpy(e->cookie, opt->fastopen_cookie, opt->fastopen_len);
}
