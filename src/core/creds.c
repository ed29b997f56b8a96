/*
 * creds.c - the caller's credentials.
 *
 * Capabilities are read from the kernel when a check needs them (capget),
 * never cached: a process may drop them at any moment, and a test does.
 */
#include "core/creds.h"

#include <errno.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

static __thread bool cred_overridden;
static __thread struct usnet_cred cred_override;

static uint64_t process_caps(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
		.pid = 0,
	};
	struct __user_cap_data_struct data[2] = { 0 };
	int saved = errno;

	if (syscall(SYS_capget, &hdr, data) < 0) {
		errno = saved;
		return 0;
	}
	return (uint64_t)data[0].effective |
	       ((uint64_t)data[1].effective << 32);
}

void current_ids(struct usnet_cred *cred)
{
	if (cred_overridden) {
		*cred = cred_override;
		return;
	}
	cred->pid = getpid();
	cred->uid = geteuid();
	cred->gid = getegid();
	cred->caps = 0;
}

void current_cred(struct usnet_cred *cred)
{
	current_ids(cred);
	if (!cred_overridden)
		cred->caps = process_caps();
}

bool capable(int cap)
{
	struct usnet_cred cred;

	current_cred(&cred);
	return (cred.caps >> cap) & 1;
}

void usnet_cred_override(const struct usnet_cred *cred)
{
	cred_overridden = cred != NULL;
	if (cred)
		cred_override = *cred;
}
