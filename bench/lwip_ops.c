/*
 * lwip_ops.c - the third target of usnet-bench: lwIP 2.1.3 as Debian
 * ships it (liblwip-dev), through its own socket API (lwip_socket(),
 * lwip_connect(), ...) with its tcpip thread.
 *
 * Debian's build (the GNU Hurd's lwipopts.h) has the socket API, the
 * tcpip thread with core locking, and LWIP_NETIF_LOOPBACK, but no loopback
 * interface of its own (LWIP_HAVE_LOOPIF is 0: "we provide our own").  So
 * we add one netif, "lo" with 127.0.0.1/8, before the first socket.  Its
 * transmit is its receive, as for Linux's lo: a packet it sends is queued
 * by netif_loop_output() and fed to ip4_input() by netif_poll() in the
 * tcpip thread.  (lwIP's ip4_output_if() already sends every packet to
 * 127/8 or to the netif's own address down that path before it reaches
 * netif->output, so lo_output() only serves anything else routed here.)
 *
 * lwIP has no AF_UNIX, so socketpair is NULL and the driver shows the
 * unix rows as "-" for this target.
 *
 * Only this file sees lwIP's headers: its lwipopts.h and port headers
 * (-I/usr/include/lwip) stay out of the rest of the bench.
 */
#include <errno.h>
#include <pthread.h>

#include <lwip/ip4_addr.h>
#include <lwip/netif.h>
#include <lwip/sockets.h>
#include <lwip/tcpip.h>

#include "bench.h"

static struct netif lo_netif;
static pthread_once_t lwip_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t lwip_ready_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t lwip_ready_cond = PTHREAD_COND_INITIALIZER;
static bool lwip_ready;

static err_t lo_output(struct netif *netif, struct pbuf *p,
		       const ip4_addr_t *dst)
{
	(void)dst;
	return netif_loop_output(netif, p);
}

static err_t lo_init(struct netif *netif)
{
	netif->name[0] = 'l';
	netif->name[1] = 'o';
	netif->output = lo_output;
	/* Linux's lo has 65536; lwIP's field is 16 bits.  TCP segments are
	 * capped by the library's compiled TCP_MSS (1460) anyway. */
	netif->mtu = 65535;
	netif->flags = 0;
	return ERR_OK;
}

/* Runs in the tcpip thread, holding the core lock. */
static void lwip_init_done(void *arg)
{
	ip4_addr_t addr, mask, gw;

	(void)arg;
	IP4_ADDR(&addr, 127, 0, 0, 1);
	IP4_ADDR(&mask, 255, 0, 0, 0);
	ip4_addr_set_zero(&gw);
	netif_add(&lo_netif, &addr, &mask, &gw, NULL, lo_init, tcpip_input);
	netif_set_default(&lo_netif);
	netif_set_link_up(&lo_netif);
	netif_set_up(&lo_netif);

	pthread_mutex_lock(&lwip_ready_lock);
	lwip_ready = true;
	pthread_cond_signal(&lwip_ready_cond);
	pthread_mutex_unlock(&lwip_ready_lock);
}

/* Start lwIP's tcpip thread and wait until lo is up.  lwIP cannot be
 * stopped again; its thread lives until the process exits. */
static void lwip_start(void)
{
	tcpip_init(lwip_init_done, NULL);
	pthread_mutex_lock(&lwip_ready_lock);
	while (!lwip_ready)
		pthread_cond_wait(&lwip_ready_cond, &lwip_ready_lock);
	pthread_mutex_unlock(&lwip_ready_lock);
}

/* Every descriptor comes from here, so lwIP starts with the first one. */
static int l_socket(int domain, int type, int protocol)
{
	pthread_once(&lwip_once, lwip_start);
	return lwip_socket(domain, type, protocol);
}

const struct bench_ops bench_lwip_ops = {
	.name = "lwip",
	.socket = l_socket,
	.socketpair = NULL, /* no AF_UNIX in lwIP */
	.bind = lwip_bind,
	.listen = lwip_listen,
	.accept = lwip_accept,
	.connect = lwip_connect,
	.shutdown = lwip_shutdown,
	.setsockopt = lwip_setsockopt,
	.getsockopt = lwip_getsockopt,
	.getsockname = lwip_getsockname,
	.read = lwip_read,
	.write = lwip_write,
	.send = lwip_send,
	.recv = lwip_recv,
	.sendto = lwip_sendto,
	.recvfrom = lwip_recvfrom,
	.close = lwip_close,
};
