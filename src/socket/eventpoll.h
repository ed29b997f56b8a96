/*
 * eventpoll.h - epoll instances (Linux's fs/eventpoll.c).
 */
#ifndef USNET_SOCKET_EVENTPOLL_H
#define USNET_SOCKET_EVENTPOLL_H

#include "socket/file.h"

/* Remove @file from every epoll set that watches it; called when its last
 * reference goes, never when one of its dups is closed. */
void eventpoll_release(struct file *file);

bool is_file_epoll(struct file *file);

#endif
