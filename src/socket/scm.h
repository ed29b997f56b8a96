/*
 * scm.h - socket control messages: SCM_RIGHTS and SCM_CREDENTIALS
 * (Linux's net/core/scm.c).
 */
#ifndef USNET_SOCKET_SCM_H
#define USNET_SOCKET_SCM_H

#include <usnet/net.h>

#include "socket/fdtable.h"
#include "socket/socket.h"

#define SCM_MAX_FD 253

struct scm_fp_list {
	short count;
	struct file *fp[SCM_MAX_FD];
};

struct scm_cookie {
	struct usnet_cred creds; /* pid, uid, gid, when creds_set */
	bool creds_set;		 /* the sender gave SCM_CREDENTIALS */
	struct scm_fp_list *fp;	 /* files, each with a reference */
};

/*
 * Parse the caller's control messages into @scm; the sender's own
 * credentials are the default.  Returns 0 or -EINVAL / -EBADF / -EPERM /
 * -ENOMEM; on error nothing is left held.
 */
int scm_send(struct socket *sock, struct kmsghdr *msg, struct scm_cookie *scm);
/* Drop what @scm holds. */
void scm_destroy(struct scm_cookie *scm);
/* A copy of @fpl with a reference on every file; NULL on failure. */
struct scm_fp_list *scm_fp_dup(const struct scm_fp_list *fpl);
/* fput() every file and free the list. */
void scm_fp_free(struct scm_fp_list *fpl);

/* Append one control message to the caller's buffer (MSG_CTRUNC when it
 * does not fit). */
void put_cmsg(struct kmsghdr *msg, int level, int type, size_t len,
	      const void *data);
/* Install the files of @scm as new descriptors in @files and report them
 * as SCM_RIGHTS; what does not fit is dropped with MSG_CTRUNC. */
void scm_detach_fds(struct kmsghdr *msg, struct scm_cookie *scm,
		    struct files_struct *files);

#endif
