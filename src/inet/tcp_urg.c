/*
 * tcp_urg.c - TCP urgent data (RFC 9293 3.8.5, RFC 6093) as Linux keeps
 * it: one urgent byte, send(MSG_OOB) and recv(MSG_OOB), SO_OOBINLINE and
 * SIOCATMARK.
 *
 * The sender marks the end of the data of a MSG_OOB send (SND.UP) and
 * every segment sent before it carries URG and a pointer there, past the
 * urgent byte (BSD's reading, which RFC 6093 describes and Linux keeps,
 * net.ipv4.tcp_stdurg 0).  The receiver takes the byte before the
 * pointer as the urgent byte: tcp_urg() (called from tcp_input.c for
 * each acceptable segment, before its data) notes where it is and, once
 * a segment brings it, its value.  Unless SO_OOBINLINE, a read steps over
 * it in the stream and recv(MSG_OOB) returns it; either way a read stops
 * at the mark, so that SIOCATMARK can tell the reader it is there.
 */
#include <errno.h>
#include <limits.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "inet/tcp.h"

/* ---- sending ---------------------------------------------------------- */

/* Linux's tcp_mark_urg(): the data just queued by a MSG_OOB send ends
 * with the urgent byte. */
void tcp_mark_urg(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	tp->snd_up = tp->write_seq;
	tp->urg_mode = true;
}

/* Linux's tcp_urg_mode(): the urgent pointer is not yet acknowledged. */
bool tcp_urg_mode(const struct tcp_sock *tp)
{
	return tp->urg_mode && after(tp->snd_up, tp->snd_una);
}

/* The URG flag and pointer of a segment at @th->seq (Linux's
 * __tcp_transmit_skb()): the pointer is an offset of 16 bits; a mark
 * further away than that is announced as 0xFFFF while the segment ends
 * short of it. */
void tcp_urg_hdr(struct tcp_sock *tp, struct tcp_hdr_info *th)
{
	if (!tcp_urg_mode(tp)) {
		tp->urg_mode = false;
		return;
	}
	if (!before(th->seq, tp->snd_up))
		return;
	if (before(tp->snd_up, th->seq + 0x10000)) {
		th->urg_ptr = (uint16_t)(tp->snd_up - th->seq);
		th->flags |= TCPHDR_URG;
	} else if (after(th->seq + 0xFFFF, tp->snd_nxt)) {
		th->urg_ptr = 0xFFFF;
		th->flags |= TCPHDR_URG;
	}
}

/* ---- receiving -------------------------------------------------------- */

/* Linux's tcp_check_urg(): a segment announces an urgent pointer. */
static void tcp_check_urg(struct sock *sk, const struct tcp_hdr_info *th)
{
	struct tcp_sock *tp = tcp_sk(sk);
	uint32_t ptr = th->urg_ptr;
	struct sk_buff *skb;

	/* The pointer is past the urgent byte (tcp_stdurg 0). */
	if (ptr)
		ptr--;
	ptr += th->seq;
	/* Already read, or already in the stream before RCV.NXT: nothing
	 * to fetch any more. */
	if (after(tp->copied_seq, ptr) || before(ptr, tp->rcv_nxt))
		return;
	/* The same mark again, or an older one. */
	if (tp->urg_data && !after(ptr, tp->urg_seq))
		return;
	/* A new mark while the reader sits at the old, not yet stepped
	 * over: step over it now, as the read would have. */
	if (tp->urg_data && tp->urg_seq == tp->copied_seq &&
	    !sock_flag(sk, SOCK_URGINLINE) && tp->copied_seq != tp->rcv_nxt) {
		skb = skb_peek(&sk->sk_receive_queue);
		if (skb)
			tcp_rcv_consume(sk, skb, 1);
	}
	tp->urg_data = TCP_URG_NOTYET;
	tp->urg_seq = ptr;
}

/* Linux's tcp_urg(): RFC 9293 3.10.7.4, sixth, for a segment whose data
 * (@skb, payload only) starts at @th->seq.  Consumes nothing. */
void tcp_urg(struct sock *sk, const struct sk_buff *skb,
	     const struct tcp_hdr_info *th)
{
	struct tcp_sock *tp = tcp_sk(sk);
	uint32_t off;

	if (th->flags & TCPHDR_URG)
		tcp_check_urg(sk, th);
	if (tp->urg_data != TCP_URG_NOTYET)
		return;
	/* Does this segment bring the urgent byte? */
	off = tp->urg_seq - th->seq;
	if (off < skb->len) {
		tp->urg_data = (uint16_t)(TCP_URG_VALID | skb->data[off]);
		sk->sk_data_ready(sk);
	}
}

/* Linux's tcp_recv_urg(): recv(MSG_OOB) of at most one byte, which it
 * never waits for. */
int tcp_recv_urg(struct sock *sk, struct kmsghdr *msg, size_t len, int flags)
{
	struct tcp_sock *tp = tcp_sk(sk);
	char c;

	/* No urgent byte to read (inline, none, or read already). */
	if (sock_flag(sk, SOCK_URGINLINE) || !tp->urg_data ||
	    tp->urg_data == TCP_URG_READ)
		return -EINVAL;
	if (sk->sk_state == TCP_CLOSE && !sock_flag(sk, SOCK_DONE))
		return -ENOTCONN;
	if (tp->urg_data & TCP_URG_VALID) {
		c = (char)(tp->urg_data & 0xff);
		if (!(flags & MSG_PEEK))
			tp->urg_data = TCP_URG_READ;
		msg->msg_flags |= MSG_OOB;
		if (!len) {
			msg->msg_flags |= MSG_TRUNC;
			return 0;
		}
		if (!(flags & MSG_TRUNC))
			copy_to_iter(&c, 1, &msg->msg_iter);
		return 1;
	}
	/* Announced, not arrived. */
	if (sk->sk_state == TCP_CLOSE || (sk->sk_shutdown & RCV_SHUTDOWN))
		return 0;
	return -EAGAIN;
}

/* How much of @avail bytes at @seq a read takes (Linux's
 * tcp_recvmsg_locked()): up to the mark; at the mark, *hole tells that
 * the first byte is the urgent one, to step over (not SO_OOBINLINE). */
size_t tcp_urg_clip(const struct sock *sk, uint32_t seq, size_t avail,
		    bool *hole)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	uint32_t off = tp->urg_seq - seq;

	*hole = false;
	if (!tp->urg_data || off >= avail)
		return avail;
	if (off)
		return off;
	*hole = !sock_flag(sk, SOCK_URGINLINE);
	return avail;
}

/* Whether the reader is at the mark (SIOCATMARK, and where a read that
 * has data stops). */
bool tcp_at_mark(const struct tcp_sock *tp, uint32_t seq)
{
	return tp->urg_data && tp->urg_seq == seq;
}

/* The reader moved to copied_seq: once past the urgent byte, it is gone
 * (Linux's skip_copy in tcp_recvmsg_locked()). */
void tcp_urg_passed(struct tcp_sock *tp)
{
	if (tp->urg_data && after(tp->copied_seq, tp->urg_seq))
		tp->urg_data = 0;
}

/* SIOCINQ (Linux's tcp_inq()): the bytes before a pending mark, when
 * the urgent byte is kept out of the stream; else all @queued. */
int tcp_urg_inq(const struct sock *sk, int queued)
{
	const struct tcp_sock *tp = tcp_sk(sk);

	if (sock_flag(sk, SOCK_URGINLINE) || !tp->urg_data ||
	    before(tp->urg_seq, tp->copied_seq) ||
	    !before(tp->urg_seq, tp->rcv_nxt))
		return queued;
	return (int)(tp->urg_seq - tp->copied_seq);
}

/* tcp_poll()'s part: POLLPRI while an urgent byte waits, and how many
 * bytes make the socket readable (one more at the mark, the urgent byte
 * not counting). */
__poll_t tcp_urg_poll(const struct sock *sk, int *target)
{
	const struct tcp_sock *tp = tcp_sk(sk);

	if (tcp_at_mark(tp, tp->copied_seq) && !sock_flag(sk, SOCK_URGINLINE) &&
	    *target < INT_MAX)
		(*target)++;
	return (tp->urg_data & TCP_URG_VALID) ? EPOLLPRI : 0;
}
