/* SPDX-License-Identifier: MIT */
/*
 * lwIP's configuration for Toro (lwIP reads it through lwip/opt.h).
 *
 * NO_SYS=0: lwIP runs its tcpip thread on a Toro thread and its sequential
 * API (netconn, sockets) parks callers on Toro semaphores, so threads on
 * any CPU can use sockets. TCPIP_CORE_LOCKING: a socket call takes the core
 * mutex and runs the TCP code itself, on its own CPU, instead of posting a
 * message to the tcpip thread and sleeping until it answers (two thread
 * switches per call, and the tcpip thread's CPU doing everyone's work).
 * CORE_LOCKING_INPUT does the same for received frames: the driver's
 * receive thread feeds them straight into IP.
 *
 * Throughput: full-size segments (MSS 1460 for a 1500-byte MTU). Window
 * scaling is on with our own shift 0: we receive at most 64 KiB in flight
 * (the RX pbuf pool, 96 x 1536 B, one whole frame each, holds more than
 * that) but see a peer's larger windows, which 256 KiB send buffers can
 * fill: with 64 KiB a connection moved at most 64 KiB per round trip
 * (6.5 MB/s at 10 ms). Send buffers cost only what is queued in them, and
 * segments come from one pool for every connection (MEMP_NUM_TCP_SEG);
 * a writer that finds it empty waits, as for a full buffer. lwIP's
 * heap (TX segments, PBUF_RAM) and its pools (PCBs, segments, receive
 * pbufs) are the kernel's heap: per-CPU and lock-free where lwIP's own
 * would be one lock for every CPU. Pools are counts against limits
 * (net/lwip/memp.c): those that grow with connections are set from the
 * guest's memory, with the numbers below as their floor; the others are
 * the numbers below.
 */
#ifndef TORO_LWIPOPTS_H
#define TORO_LWIPOPTS_H

#define NO_SYS				0
#define SYS_LIGHTWEIGHT_PROT		1
#define LWIP_TCPIP_CORE_LOCKING		1
#define LWIP_TCPIP_CORE_LOCKING_INPUT	1
#define LWIP_NETCONN			1
#define LWIP_SOCKET			1
#define LWIP_COMPAT_SOCKETS		0	/* the C library has the names */
#define LWIP_POSIX_SOCKETS_IO_NAMES	0
#define LWIP_SOCKET_POLL		0	/* poll() is the VFS's */
#define LWIP_SOCKET_SELECT		1
/* The socket timeouts are ours (socket_opt.c): lwIP's sockets never block. */
#define LWIP_SO_RCVTIMEO		0
#define LWIP_SO_SNDTIMEO		0
#define LWIP_SO_RCVBUF			0
#define LWIP_FIONREAD_LINUXMODE		1	/* UDP: the next datagram's size */
#define LWIP_SO_LINGER			1
#define SO_REUSE			1
#define LWIP_TCP_KEEPALIVE		1
#define LWIP_NETIF_API			1
#define LWIP_ERRNO_INCLUDE		<kernel/kerrno.h> /* not libc's */
/* The size of lwIP's socket array (NUM_SOCKETS), the most sockets there
 * can ever be: it lies in the lazily mapped region, so only its pages in
 * use cost memory. How many are open at once is set from memory
 * (net/lwip/memp.c). */
#define MEMP_NUM_NETCONN		65536
#define LWIP_NETCONN_SEM_PER_THREAD	0
#define LWIP_TIMEVAL_PRIVATE		0
#define LWIP_SOCKET_EXTERNAL_HEADERS	0
/* Debian's lwIP (patch "port", for the Hurd) has sockets.c set and read
 * address lengths through these, which only its Hurd headers define. Ours
 * are lwIP's own structures (net/socket.c converts), with the length byte. */
#define IP4ADDR_SOCKADDR_SET_LEN(sin)	((sin)->sin_len = sizeof(*(sin)))
#define IP6ADDR_SOCKADDR_SET_LEN(sin)	((sin)->sin6_len = sizeof(*(sin)))
#define IPADDR_SOCKADDR_GET_LEN(addr)	((addr)->sa.sa_len)

#define LWIP_IPV4			1
/*
 * IPv6 beside IPv4 (dual stack): an AF_INET6 socket bound to [::] takes
 * IPv4 peers too, seen as ::ffff:a.b.c.d, unless IPV6_V6ONLY. Addresses:
 * the link-local one from the MAC, SLAAC from router advertisements, and
 * "ip6=ADDR" (net/netif_ip6.c). No DHCPv6. The network code is built twice
 * (net/Makefile.inc): TORO_IPV6 0 is the IPv4-only stack, some 33 KiB
 * smaller, which `toro build --ipv4-only` links.
 */
#ifndef TORO_IPV6
#define TORO_IPV6			1
#endif
#define LWIP_IPV6			TORO_IPV6
#define LWIP_IPV6_AUTOCONFIG		1
#define LWIP_IPV6_DHCP6			0
#define LWIP_IPV6_NUM_ADDRESSES		3	/* link-local, SLAAC, ip6= */
/* A virtual NIC's MAC is the host's to keep unique: the link-local
 * address is used at once (net/netif.c), not after a second of
 * duplicate detection; SLAAC's addresses still get one probe. */
#define LWIP_IPV6_DUP_DETECT_ATTEMPTS	1
/* Multicast groups joined through sockets (IPV6_JOIN_GROUP), all sockets
 * together: lwIP's default is one per socket, a static table of 2 MiB
 * for our 65,536 that every close() walks. */
#define LWIP_SOCKET_MAX_MEMBERSHIPS	16
/* Reassembly keeps a pointer per fragment where its 8-byte header was:
 * with 64-bit pointers it must copy the header aside. */
#define IPV6_FRAG_COPYHEADER		1
/* No fragmenting of IPv6 packets we send: lwIP 2.1.3's ip6_frag() moves
 * the payload pointers and lengths of the packet's own pbufs as it goes.
 * A TCP segment that reaches it (over the path's MTU) stays cut short in
 * TCP's retransmission queue, and sent again it makes ip6_frag() run off
 * the end of its chain: a kernel fault (the vnet fuzzer found it). A
 * TCP segment over the link's MTU is cut to fit it instead
 * (netif_tso_cut()), any other packet is dropped by the driver
 * (-EMSGSIZE): UDP over IPv6 is limited to one link MTU a datagram.
 * Reassembly of what we receive stays. */
#define LWIP_IPV6_FRAG			0
#define LWIP_ARP			1
#define LWIP_ETHERNET			1
#define LWIP_ICMP			1
#define LWIP_UDP			1
#define LWIP_TCP			1
#define LWIP_RAW			0
#define LWIP_DHCP			1
#define LWIP_DNS			0	/* musl's resolver does DNS */
/* DHCP's DNS servers (option 6, which lwIP leaves alone without
 * LWIP_DNS) go to /etc/resolv.conf (net/netif_dns.c). */
struct pbuf;
void net_dhcp_option(unsigned char option, unsigned char len,
		     struct pbuf *p, unsigned short offset);
#define LWIP_HOOK_DHCP_PARSE_OPTION(netif, dhcp, state, msg, msg_type,	\
				    option, len, pbuf, offset)		\
	net_dhcp_option((option), (len), (pbuf), (offset))
#define LWIP_IGMP			0
#define LWIP_AUTOIP			0
#define LWIP_STATS			0
#define LWIP_NETIF_STATUS_CALLBACK	1
#define LWIP_NETIF_LINK_CALLBACK	1
#define LWIP_NETIF_HOSTNAME		0
#define LWIP_NETIF_LOOPBACK		1	/* to our own address */
#define LWIP_HAVE_LOOPIF		1	/* 127.0.0.1 */
/* Segments to 127.0.0.1 wait here for the tcpip thread, which may share
 * the sender's CPU and so run only once the sender blocks: a program
 * that writes to many loopback connections in a row must not overflow
 * it (a dropped segment waits for a retransmission, a second or more).
 * Linux's backlog queue (netdev_max_backlog) is 1,000. */
#define LWIP_LOOPBACK_MAX_PBUFS		1024
#define IP_REASSEMBLY			1
#define IP_FRAG				1
#define ETHARP_SUPPORT_STATIC_ENTRIES	0

/* Memory (see the top). */
#define MEM_ALIGNMENT			8
#define MEM_LIBC_MALLOC			1
/* The kernel's heap, not the C library's malloc (which would set the
 * application's errno from lwIP's threads). */
#define mem_clib_malloc			heap_alloc
#define mem_clib_free			heap_free
#define mem_clib_calloc(n, size)	heap_zalloc((n) * (size))
#define MEMP_NUM_PBUF			64
#define MEMP_NUM_TCP_PCB		256	/* at least; more with memory */
#define MEMP_NUM_TCP_PCB_LISTEN		16
#define MEMP_NUM_TCP_SEG		1024
#define MEMP_NUM_UDP_PCB		16
#define MEMP_NUM_SYS_TIMEOUT		(LWIP_NUM_SYS_TIMEOUT_INTERNAL + 4)
#define MEMP_NUM_NETBUF			32
#define PBUF_POOL_SIZE			96	/* at least; more with memory */
#define PBUF_POOL_BUFSIZE		1536	/* one whole frame per pbuf */

#define TCP_MSS				1460
#define TCP_WND				0xffff
#define LWIP_WND_SCALE			1
#define TCP_RCV_SCALE			0
#define TCP_SND_BUF			(256 * 1024)
#define TCP_SND_QUEUELEN		((2 * TCP_SND_BUF + TCP_MSS - 1) / TCP_MSS)
#define TCP_SNDLOWAT			(32 * 1024)
#define TCP_OVERSIZE			TCP_MSS
#define TCP_LISTEN_BACKLOG		1
#define TCP_DEFAULT_LISTEN_BACKLOG	128
#define LWIP_TCP_TIMESTAMPS		0
/* Hooks (net/tcp_reopen.c): a fresh SYN reopens a connection in
 * TIME-WAIT; initial sequence numbers as RFC 6528 makes them. */
#define LWIP_HOOK_FILENAME		"toro_lwip_hooks.h"
/* Extension slots per pcb: a socket hears when lwIP frees its pcb
 * (net/tcp_freed.c), and so does the hash of connections
 * (net/tcp_demux.c). */
#define LWIP_TCP_PCB_NUM_EXT_ARGS	2

/* TCP data segments sent under one hold of the core lock may be held
 * back to go to the device together (net/netif_tso.c): they leave when
 * the lock is let go. */
void net_core_unlock(void);
/* Counts the waits for the lock and their time (net/net_stats.c). */
void net_core_lock(void);
#define LOCK_TCPIP_CORE()		net_core_lock()
#define UNLOCK_TCPIP_CORE()		net_core_unlock()

/* Mailboxes (bounded rings in sys_arch.c). */
#define TCPIP_MBOX_SIZE			256
#define DEFAULT_TCP_RECVMBOX_SIZE	128
#define DEFAULT_UDP_RECVMBOX_SIZE	64
/* Room for every connection the largest listen backlog lwIP takes (255,
 * a u8_t) admits: one that does not fit is aborted with a reset, where a
 * full backlog only ignores the SYN, which the peer sends again. */
#define DEFAULT_ACCEPTMBOX_SIZE		256
#define TCPIP_THREAD_STACKSIZE		(32 * 1024)
#define TCPIP_THREAD_PRIO		0
#define DEFAULT_THREAD_STACKSIZE	(32 * 1024)

/*
 * Checksums. All are compiled in (CHECKSUM_GEN_x / CHECKSUM_CHECK_x 1) and
 * switched per interface (LWIP_CHECKSUM_CTRL_PER_NETIF, netif->chksum_flags)
 * by the glue, net/netif_csum.c, from what the device offers:
 * - TX: a virtio device with VIRTIO_NET_F_CSUM computes TCP checksums
 *   (NEEDS_CSUM, the pseudo-header sum in the field); UDP stays in
 *   software because lwIP may fragment a datagram and a device sums one
 *   frame; IP headers and ICMP are cheap and stay in software.
 * - RX: TCP and UDP checks are switched for each frame: skipped only when
 *   the device verified that frame (DATA_VALID, or NEEDS_CSUM completed by
 *   the driver) and it is not an IP fragment. A frame nobody verified is
 *   always checked.
 * Loopback (127.0.0.1) keeps every checksum in software.
 * LWIP_CHECKSUM_ON_COPY off: it sums TCP data as tcp_write() copies it
 * whether or not the device will (the switch is per build, not per
 * interface), which was a tenth of the web server's time serving a large
 * file over a tap; without a device that sums, tcp_output() sums the
 * same bytes, just copied and still in the cache.
 */
#define LWIP_CHECKSUM_CTRL_PER_NETIF	1
#define CHECKSUM_GEN_IP			1
#define CHECKSUM_GEN_UDP		1
#define CHECKSUM_GEN_TCP		1
#define CHECKSUM_GEN_ICMP		1
#define CHECKSUM_CHECK_IP		1
#define CHECKSUM_CHECK_UDP		1
#define CHECKSUM_CHECK_TCP		1
#define CHECKSUM_CHECK_ICMP		1
#define LWIP_CHECKSUM_ON_COPY		0

#define LWIP_NOASSERT_ON_ERROR		0

#endif /* TORO_LWIPOPTS_H */
