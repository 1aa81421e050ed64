/* SPDX-License-Identifier: MIT */
/*
 * AF_VSOCK addresses, as Linux's <linux/vm_sockets.h> gives them to
 * programs (the same layout and values, so code written for Linux builds
 * unchanged): a context ID (CID) naming a machine, 2 being the host, and
 * a 32-bit port.
 */
#ifndef _LINUX_VM_SOCKETS_H
#define _LINUX_VM_SOCKETS_H

#include <sys/socket.h>

#define VMADDR_CID_ANY		((unsigned int)-1)
#define VMADDR_PORT_ANY		((unsigned int)-1)
#define VMADDR_CID_HYPERVISOR	0
#define VMADDR_CID_LOCAL	1
#define VMADDR_CID_HOST		2

#define VMADDR_FLAG_TO_HOST	0x01

/* Linux's AF_VSOCK option names (level AF_VSOCK). */
#define SO_VM_SOCKETS_BUFFER_SIZE	0
#define SO_VM_SOCKETS_BUFFER_MIN_SIZE	1
#define SO_VM_SOCKETS_BUFFER_MAX_SIZE	2
#define SO_VM_SOCKETS_PEER_HOST_VM_ID	3
#define SO_VM_SOCKETS_TRUSTED		5
#define SO_VM_SOCKETS_CONNECT_TIMEOUT	6
#define SO_VM_SOCKETS_NONBLOCK_TXRX	7

#define IOCTL_VM_SOCKETS_GET_LOCAL_CID	0x7b9

struct sockaddr_vm {
	sa_family_t svm_family;		/* AF_VSOCK */
	unsigned short svm_reserved1;
	unsigned int svm_port;
	unsigned int svm_cid;
	unsigned char svm_flags;	/* VMADDR_FLAG_* */
	unsigned char svm_zero[sizeof(struct sockaddr) -
			       sizeof(sa_family_t) - sizeof(unsigned short) -
			       2 * sizeof(unsigned int) - 1];
};

#endif /* _LINUX_VM_SOCKETS_H */
