/*
 * security.h - the security_socket_*() hook points.
 *
 * Each hook returns 0 to allow or a negative errno.  Linux's own checks of
 * capabilities (CAP_NET_BIND_SERVICE for low ports, CAP_NET_RAW for raw
 * sockets, ...) stay where Linux makes them, in the protocols; these hooks
 * are the LSM places, where an embedder's policy (usnet_security_install)
 * runs.
 */
#ifndef USNET_SOCKET_SECURITY_H
#define USNET_SOCKET_SECURITY_H

#include <stddef.h>
#include <sys/socket.h>

int security_socket_create(int family, int type, int protocol, int kern);
int security_socket_bind(int fd, const struct sockaddr *addr, int len);
int security_socket_connect(int fd, const struct sockaddr *addr, int len);
int security_socket_listen(int fd, int backlog);
int security_socket_accept(int fd);
int security_socket_sendmsg(int fd, size_t len);
int security_socket_recvmsg(int fd, size_t len, int flags);
int security_socket_setsockopt(int fd, int level, int optname);

#endif
