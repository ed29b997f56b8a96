/*
 * unix_echo.c - usnet at work: an AF_UNIX echo server and its clients in
 * one process, over usnet's socket layer instead of the kernel's.
 *
 * The server listens on an abstract name and serves every client from one
 * epoll loop; the clients connect, send a line, read the echo, and one of
 * them passes a descriptor to the server over SCM_RIGHTS.  The program
 * prints what happened and the objects still alive at the end (none).
 *
 * Build: ninja -C build; run: build/examples/unix-echo [CLIENTS]
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include <usnet/usnet.h>

#define NAME "usnet-example-echo"

static socklen_t echo_addr(struct sockaddr_un *sun)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	memcpy(sun->sun_path + 1, NAME, strlen(NAME));
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
			   strlen(NAME));
}

static void die(const char *what)
{
	fprintf(stderr, "unix-echo: %s: %s\n", what, strerror(errno));
	exit(1);
}

struct server {
	int lfd;
	int ep;
	int clients;
	int served;
	int fds_received;
};

/* Echo what a client sent; count a descriptor passed with it. */
static int serve_one(struct server *srv, int fd)
{
	char buf[256], cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;
	ssize_t n = usnet_recvmsg(fd, &msg, 0);

	if (n <= 0)
		return -1;
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			int passed;

			memcpy(&passed, CMSG_DATA(c), sizeof(passed));
			printf("server: received descriptor %d over SCM_RIGHTS\n",
			       passed);
			srv->fds_received++;
			usnet_close(passed);
		}
	}
	if (usnet_send(fd, buf, (size_t)n, MSG_NOSIGNAL) != n)
		return -1;
	srv->served++;
	return 0;
}

static void *server_main(void *arg)
{
	struct server *srv = arg;
	struct epoll_event ev, events[16];
	int done = 0;

	while (done < srv->clients) {
		int n = usnet_epoll_wait(srv->ep, events, 16, 5000);

		if (n <= 0)
			break;
		for (int i = 0; i < n; i++) {
			int fd = events[i].data.fd;

			if (fd == srv->lfd) {
				int c = usnet_accept4(srv->lfd, NULL, NULL,
						      SOCK_CLOEXEC);

				if (c < 0)
					continue;
				ev.events = EPOLLIN | EPOLLRDHUP;
				ev.data.fd = c;
				usnet_epoll_ctl(srv->ep, EPOLL_CTL_ADD, c, &ev);
			} else if (serve_one(srv, fd) < 0) {
				usnet_close(fd);
				done++;
			}
		}
	}
	return NULL;
}

static void client(int id)
{
	struct sockaddr_un sun;
	socklen_t len = echo_addr(&sun);
	char line[64], back[64];
	int fd = usnet_socket(AF_UNIX, SOCK_STREAM, 0);
	struct iovec iov;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	char cbuf[CMSG_SPACE(sizeof(int))];
	int extra = -1;
	ssize_t n;

	if (fd < 0 || usnet_connect(fd, (struct sockaddr *)&sun, len) < 0)
		die("client connect");
	n = snprintf(line, sizeof(line), "hello from client %d", id);
	iov.iov_base = line;
	iov.iov_len = (size_t)n;
	if (id == 0) {
		/* The first client also hands the server a descriptor. */
		struct cmsghdr *c;

		extra = usnet_socket(AF_UNIX, SOCK_DGRAM, 0);
		msg.msg_control = cbuf;
		msg.msg_controllen = sizeof(cbuf);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &extra, sizeof(int));
	}
	if (usnet_sendmsg(fd, &msg, 0) != n)
		die("client send");
	if (usnet_recv(fd, back, (size_t)n, MSG_WAITALL) != n ||
	    memcmp(back, line, (size_t)n) != 0)
		die("client echo");
	printf("client %d: sent and got back \"%.*s\"\n", id, (int)n, back);
	if (extra >= 0)
		usnet_close(extra);
	usnet_close(fd);
}

int main(int argc, char **argv)
{
	struct server srv = { .clients = argc > 1 ? atoi(argv[1]) : 3 };
	struct sockaddr_un sun;
	socklen_t len = echo_addr(&sun);
	struct epoll_event ev = { .events = EPOLLIN };
	struct usnet_objects live;
	pthread_t tid;

	if (srv.clients < 1 || srv.clients > 1000)
		srv.clients = 3;
	srv.lfd = usnet_socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (srv.lfd < 0 ||
	    usnet_bind(srv.lfd, (struct sockaddr *)&sun, len) < 0 ||
	    usnet_listen(srv.lfd, 16) < 0)
		die("server listen");
	srv.ep = usnet_epoll_create1(EPOLL_CLOEXEC);
	ev.data.fd = srv.lfd;
	if (srv.ep < 0 ||
	    usnet_epoll_ctl(srv.ep, EPOLL_CTL_ADD, srv.lfd, &ev) < 0)
		die("epoll");
	printf("server: listening on @%s (usnet descriptor %d)\n", NAME,
	       srv.lfd);
	pthread_create(&tid, NULL, server_main, &srv);
	for (int i = 0; i < srv.clients; i++)
		client(i);
	pthread_join(tid, NULL);
	usnet_close(srv.ep);
	usnet_close(srv.lfd);

	usnet_objects_live(&live);
	printf("served %d clients, %d descriptor(s) passed; objects alive at "
	       "exit: %lu sockets, %lu socks, %lu skbs, %lu files\n",
	       srv.served, srv.fds_received, live.sockets, live.socks,
	       live.skbs, live.files);
	return srv.served == srv.clients && live.sockets == 0 &&
			       live.skbs == 0 ?
		       0 :
		       1;
}
