#!/usr/bin/env python3
"""linux_peer.py - play the peer of a wire test against the Linux kernel.

The wire tests (wire.h) assert what Linux sends; this is how their "checked
against Linux" was checked.  The kernel plays the stack: 198.18.0.1 on a tun
device in a private network namespace, with timestamps and SACK off so that
a peer offering neither sees the layout the tests expect.  A script injects
segments from 198.18.0.2 and prints what the kernel sends, with relative
sequence numbers and times, in the notation of wire_out().

Run it (it needs nothing but a user namespace):

    unshare -rn python3 tests/wire/linux_peer.py

which plays a passive open; import it to write another scenario:

    from linux_peer import Peer, mss, listener
    p = Peer(); ls = listener(80)
    p.inject(40000, 80, 'S', 0, 0, opts=mss(1460)); p.show()

It is a tool, not a test: it runs on real time, so times are Linux's
(jiffies included), and nothing here leaves the namespace.
"""
import fcntl
import os
import select
import socket
import struct
import subprocess
import time

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000
LOCAL = socket.inet_aton('198.18.0.1')
REMOTE = socket.inet_aton('198.18.0.2')
FLAGS = ((1, 'F'), (2, 'S'), (4, 'R'), (8, 'P'), (16, '.'), (32, 'U'))


def checksum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def mss(n):
    return struct.pack('!BBH', 2, 4, n)


def wscale(n):
    return b'\1' + struct.pack('!BBB', 3, 3, n)


def listener(port, backlog=16, opts=()):
    """A kernel socket listening on 198.18.0.1:port; opts are setsockopt
    triples applied before listen()."""
    s = socket.socket()
    for level, name, value in opts:
        s.setsockopt(level, name, value)
    s.bind(('198.18.0.1', port))
    s.listen(backlog)
    return s


class Peer:
    """The tun device and the peer's view of each connection: its own ISN
    (irs, per port pair) and the kernel's (iss, learned from SYNs)."""

    def __init__(self, mtu=1500, isn=0x10000000):
        self.fd = os.open('/dev/net/tun', os.O_RDWR)
        fcntl.ioctl(self.fd, TUNSETIFF,
                    struct.pack('16sH', b'tun0', IFF_TUN | IFF_NO_PI))
        for cmd in ('ip link set lo up',
                    'ip link set tun0 mtu %d up' % mtu,
                    'ip addr add 198.18.0.1/24 dev tun0',
                    'sysctl -qw net.ipv4.tcp_timestamps=0 '
                    'net.ipv4.tcp_sack=0 net.ipv4.tcp_ecn=0'):
            subprocess.run(cmd, shell=True, check=True)
        self.isn = isn
        self.iss = {}
        self.t0 = time.monotonic()

    def now(self):
        return time.monotonic() - self.t0

    def inject(self, sport, dport, flags, seq, ack, win=65535, opts=b'',
               payload=b''):
        """A segment from the peer's sport to the kernel's dport; seq
        relative to the peer's ISN, ack to the kernel's (with '.')."""
        bits = sum(b for b, c in FLAGS if c in flags)
        seq = (seq + self.isn) & 0xFFFFFFFF
        if '.' in flags:
            ack = (ack + self.iss.get((dport, sport), 0)) & 0xFFFFFFFF
        opts += b'\0' * (-len(opts) % 4)
        tcp = struct.pack('!HHIIBBHHH', sport, dport, seq, ack,
                          (20 + len(opts)) // 4 << 4, bits, win, 0, 0) + opts
        pseudo = REMOTE + LOCAL + struct.pack('!BBH', 0, 6,
                                              len(tcp) + len(payload))
        csum = checksum(pseudo + tcp + payload)
        tcp = tcp[:16] + struct.pack('!H', csum) + tcp[18:]
        ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0,
                         20 + len(tcp) + len(payload), 0, 0x4000, 64, 6, 0,
                         REMOTE, LOCAL)
        ip = ip[:10] + struct.pack('!H', checksum(ip)) + ip[12:]
        os.write(self.fd, ip + tcp + payload)

    def read(self, timeout):
        """The next TCP segment the kernel sends, parsed, or None."""
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0 or not select.select([self.fd], [], [], left)[0]:
                return None
            pkt = os.read(self.fd, 65536)
            if pkt[0] >> 4 == 4 and pkt[9] == 6:
                return self.parse(pkt)

    def parse(self, pkt):
        tcp = pkt[(pkt[0] & 15) * 4:]
        sport, dport, seq, ack, off, bits, win = struct.unpack(
            '!HHIIBBH', tcp[:16])
        hlen = (off >> 4) * 4
        if bits & 2:
            self.iss[(sport, dport)] = seq
        return {
            't': self.now(), 'sport': sport, 'dport': dport,
            'flags': ''.join(c for b, c in FLAGS if bits & b),
            'seq': (seq - self.iss.get((sport, dport), 0)) & 0xFFFFFFFF,
            'ack': (ack - self.isn) & 0xFFFFFFFF if bits & 16 else ack,
            'win': win, 'opts': self.options(tcp[20:hlen]),
            'len': len(tcp) - hlen,
        }

    @staticmethod
    def options(raw):
        out, i = [], 0
        while i < len(raw):
            kind = raw[i]
            if kind in (0, 1):
                out.append('eol' if kind == 0 else 'nop')
                i += 1
                if kind == 0:
                    break
                continue
            length = raw[i + 1] if i + 1 < len(raw) else 0
            if length < 2:
                out.append('bad-opt-%d' % kind)
                break
            value = raw[i + 2:i + length]
            if kind == 2 and length == 4:
                out.append('mss %d' % struct.unpack('!H', value)[0])
            elif kind == 3 and length == 3:
                out.append('wscale %d' % value[0])
            elif kind == 4:
                out.append('sackOK')
            elif kind == 8 and length == 10:
                out.append('TS val %d ecr %d' % struct.unpack('!II', value))
            else:
                out.append('opt-%d len %d' % (kind, length))
            i += length
        return ','.join(out)

    def show(self, quiet=0.3):
        """Print what the kernel sends until it is quiet for @quiet s."""
        sent = []
        while True:
            s = self.read(quiet)
            if not s:
                return sent
            print('%9.3f %d > %d: Flags [%s], seq %u, ack %u, win %u, '
                  'options [%s], length %d' %
                  (s['t'], s['sport'], s['dport'], s['flags'], s['seq'],
                   s['ack'], s['win'], s['opts'], s['len']))
            sent.append(s)


if __name__ == '__main__':
    # listen.c:passive_open against Linux.
    peer = Peer()
    lsock = listener(80)
    peer.inject(40000, 80, 'S', 0, 0, opts=mss(1460))
    peer.show()
    peer.inject(40000, 80, '.', 1, 1)
    conn, _ = lsock.accept()
    peer.inject(40000, 80, 'P.', 1, 1, payload=b'x' * 100)
    peer.show()
    conn.send(b'y' * 10)
    peer.show()
