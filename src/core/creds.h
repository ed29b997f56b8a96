/*
 * creds.h - who is calling: pid, uid, gid and capabilities.
 *
 * In the library the caller is this process (or, for an embedder serving
 * several users, whatever the thread set with usnet_cred_override()).
 */
#ifndef USNET_CORE_CREDS_H
#define USNET_CORE_CREDS_H

#include <stdbool.h>

#include <usnet/net.h>

/* Linux capability numbers we check (linux/capability.h). */
#define CAP_CHOWN	     0
#define CAP_SETGID	     6
#define CAP_SETUID	     7
#define CAP_NET_BIND_SERVICE 10
#define CAP_NET_BROADCAST    11
#define CAP_NET_ADMIN	     12
#define CAP_NET_RAW	     13
#define CAP_SYS_ADMIN	     21
#define CAP_SYS_RESOURCE     24

/* The caller's credentials, capabilities included (a capget). */
void current_cred(struct usnet_cred *cred);
/* pid, uid and gid only: no capability look-up. */
void current_ids(struct usnet_cred *cred);
/* Whether the caller holds capability @cap in its effective set. */
bool capable(int cap);

#endif
