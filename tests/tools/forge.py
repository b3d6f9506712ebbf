#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# forge.py - send hand-made Ethernet frames from a raw AF_PACKET socket,
# as a hostile root in a sandbox could, and listen for them on the LAN.
#
#   forge.py send DEV MAC IP     one frame of each kind below, each with a
#                                marker in its payload, three ways: through
#                                the qdisc ("qdisc"), with
#                                PACKET_QDISC_BYPASS ("bypass"), and with it
#                                and a false protocol ("bypass-lie")
#   forge.py listen DEV SECONDS  print each marker seen on DEV, one a line
#   forge.py broadcasts DEV SECONDS
#                                print each broadcast or multicast frame
#                                seen on DEV: "ETHERTYPE DST-MAC SRC-MAC"
#
# Frames sent: "ok" ones (our MAC, our address: the guard lets them pass,
# so the test can fail) and forged ones (another MAC, another sender IP
# in ARP, another IPv4 source, IPv6, a VLAN tag). Only to the broadcast
# MAC of the LAN the test made; nothing is routed anywhere.
import re
import socket
import struct
import sys
import time

PACKET_QDISC_BYPASS = 20
SOL_PACKET = 263
BCAST = b"\xff" * 6
OTHER_MAC = bytes.fromhex("026e99999999")
OTHER_IP = "198.18.0.99"


def udp_ip(src, marker):
    """An IPv4/UDP datagram from @src to the LAN's broadcast, port 9."""
    payload = marker.encode()
    udp = struct.pack("!HHHH", 9, 9, 8 + len(payload), 0) + payload
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17,
                      0, socket.inet_aton(src),
                      socket.inet_aton("198.18.0.255"))
    return hdr + udp


def arp(mac, ip, marker):
    """A gratuitous ARP request: sender @mac/@ip; the marker as padding."""
    body = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, mac,
                       socket.inet_aton(ip), b"\0" * 6,
                       socket.inet_aton(ip))
    return body + marker.encode()


def frames(mac, ip):
    yield "ok-ip", mac, 0x0800, udp_ip(ip, "ok-ip")
    yield "ok-arp", mac, 0x0806, arp(mac, ip, "ok-arp")
    yield "forged-mac", OTHER_MAC, 0x0800, udp_ip(ip, "forged-mac")
    yield "forged-arp-ip", mac, 0x0806, arp(mac, OTHER_IP, "forged-arp-ip")
    yield "forged-arp-mac", mac, 0x0806, arp(OTHER_MAC, ip, "forged-arp-mac")
    yield "forged-ip-src", mac, 0x0800, udp_ip(OTHER_IP, "forged-ip-src")
    yield "forged-ipv6", mac, 0x86DD, b"\x60" + b"\0" * 39 + b"forged-ipv6"
    yield ("forged-vlan", mac, 0x8100,
           struct.pack("!HH", 5, 0x0800) + udp_ip(ip, "forged-vlan"))


# How frames are sent: (name, PACKET_QDISC_BYPASS, protocol declared).
# A declared protocol is what the egress hook sees as skb->protocol,
# whatever the frame holds; with 0 the kernel reads it from the frame.
WAYS = (("qdisc", 0, 0x0800), ("bypass", 1, 0), ("bypass-lie", 1, 0x0800))


def send(dev, mac, ip):
    mac = bytes.fromhex(mac.replace(":", ""))
    for way, bypass, proto in WAYS:
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        if bypass:
            s.setsockopt(SOL_PACKET, PACKET_QDISC_BYPASS, 1)
        s.bind((dev, 0))
        for name, src, etype, body in frames(mac, ip):
            marker = "%s/%s" % (name, way)
            body = body.replace(name.encode(), marker.encode())
            frame = BCAST + src + struct.pack("!H", etype) + body
            try:
                s.sendto(frame, (dev, proto))
            except OSError as e:
                print("%s: %s" % (marker, e.strerror), file=sys.stderr)
        s.close()


def received(dev, seconds):
    """Every frame seen on @dev for @seconds, after printing "listening"."""
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
    s.bind((dev, 0))
    s.settimeout(0.1)
    end = time.time() + seconds
    print("listening", flush=True)
    while time.time() < end:
        try:
            yield s.recv(4096)
        except socket.timeout:
            continue


def listen(dev, seconds):
    seen = set()
    for data in received(dev, seconds):
        for m in re.findall(rb"(?:ok|forged)-[a-z6-]+/[a-z-]+", data):
            m = m.decode()
            if m not in seen:
                seen.add(m)
                print(m, flush=True)


def broadcasts(dev, seconds):
    for data in received(dev, seconds):
        if len(data) >= 14 and data[0] & 1:
            print("%04x %s %s" % (struct.unpack("!H", data[12:14])[0],
                                  data[0:6].hex(":"), data[6:12].hex(":")),
                  flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "send":
        send(sys.argv[2], sys.argv[3], sys.argv[4])
    elif sys.argv[1] == "broadcasts":
        broadcasts(sys.argv[2], float(sys.argv[3]))
    else:
        listen(sys.argv[2], float(sys.argv[3]))
