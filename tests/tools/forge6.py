#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# forge6.py - send hand-made IPv6 frames from a raw AF_PACKET socket, as a
# hostile root in a sandbox with --ipv6 could; tests/tools/forge.py's
# listener (forge.py listen DEV SECONDS) prints the markers that got out.
#
#   forge6.py send DEV OWN OTHER   one frame of each kind below, each with
#                                  a marker "KIND/raw" in its payload
#
# Honest ones (the guard lets them pass, so the test can fail): UDP from
# OWN (the sandbox's address) and from its link-local address, and a
# neighbour advertisement for OWN. Forged ones: UDP from OTHER, a router
# advertisement, a redirect, a DHCPv6 server's reply, a neighbour
# advertisement for OTHER, UDP to ::1. All to the all-nodes multicast
# MAC of the bridge the test made; nothing is routed anywhere.
import socket
import struct
import sys


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ip6(src, dst, nh, payload):
    s = socket.inet_pton(socket.AF_INET6, src)
    d = socket.inet_pton(socket.AF_INET6, dst)
    c = csum(s + d + struct.pack("!I3xB", len(payload), nh) + payload)
    off = 2 if nh == 58 else 6
    payload = payload[:off] + struct.pack("!H", c) + payload[off + 2:]
    return struct.pack("!IHBB", 0x60000000, len(payload), nh, 255) + s + d \
        + payload


def link_local(mac):
    eui = bytes([mac[0] ^ 2]) + mac[1:3] + b"\xff\xfe" + mac[3:6]
    return socket.inet_ntop(socket.AF_INET6, b"\xfe\x80" + b"\0" * 6 + eui)


def udp(sport, dport, marker):
    body = marker.encode()
    return struct.pack("!HHHH", sport, dport, 8 + len(body), 0) + body


def icmp6(kind, rest, marker):
    return struct.pack("!BBH", kind, 0, 0) + rest + marker.encode()


def frames(mac, own, other):
    ll = link_local(mac)
    na_own = struct.pack("!I", 0x60000000) + socket.inet_pton(
        socket.AF_INET6, own)
    na_other = struct.pack("!I", 0x60000000) + socket.inet_pton(
        socket.AF_INET6, other)
    redirect = b"\0" * 4 + socket.inet_pton(socket.AF_INET6, "fe80::1") \
        + socket.inet_pton(socket.AF_INET6, other)
    yield "ok-ip6", ip6(own, "ff02::1", 17, udp(5555, 9, "ok-ip6/raw"))
    yield "ok-ll", ip6(ll, "ff02::1", 17, udp(5555, 9, "ok-ll/raw"))
    yield "ok-na", ip6(ll, "ff02::1", 58, icmp6(136, na_own, "ok-na/raw"))
    yield "forged-src", ip6(other, "ff02::1", 17,
                            udp(5555, 9, "forged-src/raw"))
    yield "forged-ra", ip6(ll, "ff02::1", 58, icmp6(
        134, struct.pack("!BBHII", 64, 0, 1800, 0, 0), "forged-ra/raw"))
    yield "forged-redirect", ip6(ll, "ff02::1", 58, icmp6(
        137, redirect, "forged-redirect/raw"))
    yield "forged-dhcp", ip6(ll, "ff02::1", 17,
                             udp(547, 546, "forged-dhcp/raw"))
    yield "forged-na", ip6(ll, "ff02::1", 58,
                           icmp6(136, na_other, "forged-na/raw"))
    yield "forged-lo", ip6(own, "::1", 17, udp(5555, 9, "forged-lo/raw"))


def send(dev, own, other):
    mac = open("/sys/class/net/%s/address" % dev).read().strip()
    mac = bytes.fromhex(mac.replace(":", ""))
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((dev, 0))
    dst = b"\x33\x33\x00\x00\x00\x01"
    for _ in range(3):
        for name, body in frames(mac, own, other):
            try:
                s.send(dst + mac + struct.pack("!H", 0x86DD) + body)
            except OSError as e:
                print("%s: %s" % (name, e.strerror), file=sys.stderr)
    s.close()


if __name__ == "__main__":
    send(sys.argv[2], sys.argv[3], sys.argv[4])
