/*
 * scm.c - control messages on the way in and out.
 */
#include "socket/scm.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "core/creds.h"
#include "lib/alloc.h"
#include "socket/fdtable.h"

/* Linux's CMSG_OK(): the header fits and so does the length it claims. */
static bool cmsg_ok(const struct kmsghdr *msg, const struct cmsghdr *c)
{
	size_t off = (size_t)((const char *)c - (const char *)msg->msg_control);

	return c->cmsg_len >= sizeof(struct cmsghdr) &&
	       c->cmsg_len <= msg->msg_controllen - off;
}

static struct cmsghdr *cmsg_first(const struct kmsghdr *msg)
{
	if (!msg->msg_control || msg->msg_controllen < sizeof(struct cmsghdr))
		return NULL;
	return msg->msg_control;
}

static struct cmsghdr *cmsg_next(const struct kmsghdr *msg,
				 const struct cmsghdr *c)
{
	size_t off = (size_t)((const char *)c - (const char *)msg->msg_control);
	size_t step = CMSG_ALIGN(c->cmsg_len);

	if (step < sizeof(*c))
		return NULL;
	off += step;
	if (off + sizeof(struct cmsghdr) > msg->msg_controllen)
		return NULL;
	return (struct cmsghdr *)((char *)msg->msg_control + off);
}

static int scm_fp_copy(const struct cmsghdr *cmsg, struct scm_fp_list **fplp)
{
	int num =
		(int)((cmsg->cmsg_len - sizeof(struct cmsghdr)) / sizeof(int));
	struct scm_fp_list *fpl = *fplp;
	const int *fdp = (const int *)CMSG_DATA(cmsg);
	struct files_struct *files = current_files();

	if (num <= 0)
		return 0;
	if (num > SCM_MAX_FD)
		return -EINVAL;
	if (!fpl) {
		fpl = obj_alloc(OBJ_OTHER, sizeof(*fpl));
		if (!fpl)
			return -ENOMEM;
		*fplp = fpl;
	}
	if (fpl->count + num > SCM_MAX_FD)
		return -EINVAL;
	for (int i = 0; i < num; i++) {
		struct file *file = fget(files, fdp[i]);

		if (!file)
			return -EBADF;
		fpl->fp[fpl->count++] = file;
	}
	return 0;
}

/* Linux's scm_check_creds(): one's own ids, or the capability. */
static int scm_check_creds(const struct ucred *uc)
{
	uid_t ruid, euid, suid;
	gid_t rgid, egid, sgid;
	struct usnet_cred me;

	current_cred(&me);
	getresuid(&ruid, &euid, &suid);
	getresgid(&rgid, &egid, &sgid);
	if ((uc->pid == me.pid || ((me.caps >> CAP_SYS_ADMIN) & 1)) &&
	    (uc->uid == ruid || uc->uid == euid || uc->uid == suid ||
	     ((me.caps >> CAP_SETUID) & 1)) &&
	    (uc->gid == rgid || uc->gid == egid || uc->gid == sgid ||
	     ((me.caps >> CAP_SETGID) & 1)))
		return 0;
	return -EPERM;
}

static bool pid_exists(pid_t pid)
{
	int saved = errno;
	bool gone = kill(pid, 0) < 0 && errno == ESRCH;

	errno = saved;
	return !gone;
}

int scm_send(struct socket *sock, struct kmsghdr *msg, struct scm_cookie *scm)
{
	struct cmsghdr *cmsg;
	int err;

	memset(scm, 0, sizeof(*scm));
	if (msg->msg_controllen == 0)
		return 0;
	for (cmsg = cmsg_first(msg); cmsg; cmsg = cmsg_next(msg, cmsg)) {
		struct ucred uc;

		err = -EINVAL;
		if (!cmsg_ok(msg, cmsg))
			goto error;
		if (cmsg->cmsg_level != SOL_SOCKET)
			continue;
		switch (cmsg->cmsg_type) {
		case SCM_RIGHTS:
			if (sock->ops->family != AF_UNIX)
				goto error;
			err = scm_fp_copy(cmsg, &scm->fp);
			if (err < 0)
				goto error;
			break;
		case SCM_CREDENTIALS:
			if (cmsg->cmsg_len != CMSG_LEN(sizeof(uc)))
				goto error;
			memcpy(&uc, CMSG_DATA(cmsg), sizeof(uc));
			err = scm_check_creds(&uc);
			if (err)
				goto error;
			/* Linux looks the pid up: one that does not exist
			 * is ESRCH. */
			err = -ESRCH;
			if (!pid_exists(uc.pid))
				goto error;
			scm->creds.pid = uc.pid;
			scm->creds.uid = uc.uid;
			scm->creds.gid = uc.gid;
			scm->creds_set = true;
			break;
		default:
			goto error;
		}
	}
	if (scm->fp && !scm->fp->count) {
		obj_free(OBJ_OTHER, scm->fp);
		scm->fp = NULL;
	}
	return 0;

error:
	scm_destroy(scm);
	return err;
}

void scm_fp_free(struct scm_fp_list *fpl)
{
	if (!fpl)
		return;
	for (int i = 0; i < fpl->count; i++)
		fput(fpl->fp[i]);
	obj_free(OBJ_OTHER, fpl);
}

void scm_destroy(struct scm_cookie *scm)
{
	scm_fp_free(scm->fp);
	scm->fp = NULL;
}

struct scm_fp_list *scm_fp_dup(const struct scm_fp_list *fpl)
{
	struct scm_fp_list *n = obj_alloc(OBJ_OTHER, sizeof(*n));

	if (!n)
		return NULL;
	n->count = fpl->count;
	for (int i = 0; i < fpl->count; i++)
		n->fp[i] = get_file(fpl->fp[i]);
	return n;
}

static void msg_control_advance(struct kmsghdr *msg, size_t n)
{
	if (n > msg->msg_controllen)
		n = msg->msg_controllen;
	msg->msg_control = (char *)msg->msg_control + n;
	msg->msg_controllen -= n;
}

void put_cmsg(struct kmsghdr *msg, int level, int type, size_t len,
	      const void *data)
{
	struct cmsghdr h;
	size_t cmlen = CMSG_LEN(len);

	if (!msg->msg_control || msg->msg_controllen < sizeof(struct cmsghdr)) {
		msg->msg_flags |= MSG_CTRUNC;
		return;
	}
	if (msg->msg_controllen < cmlen) {
		msg->msg_flags |= MSG_CTRUNC;
		cmlen = msg->msg_controllen;
	}
	h.cmsg_level = level;
	h.cmsg_type = type;
	/* Linux: a cut-down message says how much of it is there. */
	h.cmsg_len = cmlen;
	memcpy(msg->msg_control, &h, sizeof(h));
	memcpy(CMSG_DATA((struct cmsghdr *)msg->msg_control), data,
	       cmlen - sizeof(h));
	msg_control_advance(msg, CMSG_SPACE(len));
}

void scm_detach_fds(struct kmsghdr *msg, struct scm_cookie *scm,
		    struct files_struct *files)
{
	struct scm_fp_list *fpl = scm->fp;
	int fdmax = 0, i;
	bool cloexec = msg->msg_flags & MSG_CMSG_CLOEXEC;

	if (msg->msg_control && msg->msg_controllen > sizeof(struct cmsghdr))
		fdmax = (int)((msg->msg_controllen - sizeof(struct cmsghdr)) /
			      sizeof(int));
	if (fdmax > fpl->count)
		fdmax = fpl->count;
	for (i = 0; i < fdmax; i++) {
		struct cmsghdr *c = msg->msg_control;
		int fd = fd_install_new(files, get_file(fpl->fp[i]), cloexec);

		if (fd < 0) {
			fput(fpl->fp[i]);
			break;
		}
		memcpy(CMSG_DATA(c) + (size_t)i * sizeof(int), &fd, sizeof(fd));
	}
	if (i > 0) {
		struct cmsghdr h = {
			.cmsg_level = SOL_SOCKET,
			.cmsg_type = SCM_RIGHTS,
			.cmsg_len = CMSG_LEN((size_t)i * sizeof(int)),
		};

		memcpy(msg->msg_control, &h, sizeof(h));
		msg_control_advance(msg, CMSG_SPACE((size_t)i * sizeof(int)));
	}
	if (i < fpl->count || (fpl->count && fdmax <= 0))
		msg->msg_flags |= MSG_CTRUNC;
	scm_destroy(scm);
}
