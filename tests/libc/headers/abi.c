// SPDX-License-Identifier: MIT
/* Every public header of musl this suite has no program of its own for
 * (and many it has), included together: the sizes and member offsets of
 * their types and the values of their constants must be the same in
 * Toro's build as in Debian's musl. Headers only a kernel or another
 * process could give a meaning to (see check.h's list) are covered here
 * and nowhere else. */
#define _GNU_SOURCE
#include <aio.h>
#include <ar.h>
#include <arpa/ftp.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <arpa/nameser_compat.h>
#include <arpa/telnet.h>
#include <arpa/tftp.h>
#include <assert.h>
#include <complex.h>
#include <cpio.h>
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <features.h>
#include <float.h>
#include <glob.h>
#include <ifaddrs.h>
#include <inttypes.h>
#include <iso646.h>
#include <lastlog.h>
#include <limits.h>
#include <link.h>
#include <mqueue.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <net/route.h>
#include <netinet/icmp6.h>
#include <netinet/if_ether.h>
#include <netinet/igmp.h>
#include <netinet/in.h>
#include <netinet/in_systm.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/ip_icmp.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <netpacket/packet.h>
#include <paths.h>
#include <poll.h>
#include <pthread.h>
#include <pty.h>
#include <regex.h>
#include <sched.h>
#include <scsi/scsi.h>
#include <scsi/scsi_ioctl.h>
#include <scsi/sg.h>
#include <semaphore.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdc-predef.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <stropts.h>
#include <sys/acct.h>
#include <sys/cachectl.h>
#include <sys/dir.h>
#include <sys/epoll.h>
#include <sys/fanotify.h>
#include <sys/file.h>
#include <sys/fsuid.h>
#include <sys/inotify.h>
#include <sys/io.h>
#include <sys/ipc.h>
#include <sys/klog.h>
#include <sys/membarrier.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/msg.h>
#include <sys/mtio.h>
#include <sys/personality.h>
#include <sys/procfs.h>
#include <sys/ptrace.h>
#include <sys/quota.h>
#include <sys/reboot.h>
#include <sys/reg.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/stropts.h>
#include <sys/swap.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/syslog.h>
#include <sys/time.h>
#include <sys/timex.h>
#include <sys/ttydefaults.h>
#include <sys/types.h>
#include <sys/ucontext.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/user.h>
#include <sys/utsname.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <syscall.h>
#include <sysexits.h>
#include <syslog.h>
#include <tar.h>
#include <termios.h>
#include <threads.h>
#include <time.h>
#include <uchar.h>
#include <ucontext.h>
#include <utime.h>
#include <values.h>
#include <wchar.h>
#include <wctype.h>
#include <wordexp.h>

#include "check.h"

#define SZ(t) printf("sizeof(" #t ") %zu align %zu\n", sizeof(t), _Alignof(t))
#define OFF(t, m) printf("offsetof(" #t ", " #m ") %zu\n", offsetof(t, m))
#define VAL(c) printf(#c " %lld\n", (long long)(c))

int test_abi(void)
{
	SZ(pthread_t); SZ(pthread_attr_t); SZ(pthread_mutex_t);
	SZ(pthread_cond_t); SZ(pthread_rwlock_t); SZ(pthread_barrier_t);
	SZ(pthread_spinlock_t); SZ(pthread_key_t); SZ(pthread_once_t);
	SZ(sem_t); SZ(mtx_t); SZ(cnd_t); SZ(jmp_buf); SZ(sigjmp_buf);
	SZ(sigset_t); SZ(struct sigaction); SZ(siginfo_t); SZ(stack_t);
	SZ(ucontext_t); SZ(mcontext_t); SZ(FILE *); SZ(fpos_t); SZ(va_list);
	SZ(max_align_t); SZ(wchar_t); SZ(wint_t); SZ(char16_t); SZ(mbstate_t);
	SZ(time_t); SZ(clock_t); SZ(struct timespec); SZ(struct timeval);
	SZ(struct tm); SZ(struct itimerspec); SZ(struct timex);
	SZ(off_t); SZ(ssize_t); SZ(pid_t); SZ(uid_t); SZ(mode_t); SZ(dev_t);
	SZ(ino_t); SZ(nlink_t); SZ(blksize_t); SZ(struct stat);
	SZ(struct statvfs); SZ(struct dirent); SZ(struct flock);
	SZ(struct iovec); SZ(struct pollfd); SZ(fd_set);
	SZ(struct epoll_event); SZ(struct rlimit); SZ(struct rusage);
	SZ(struct utsname); SZ(struct sysinfo); SZ(struct termios);
	SZ(struct winsize); SZ(regex_t); SZ(regmatch_t); SZ(glob_t);
	SZ(wordexp_t); SZ(struct aiocb); SZ(struct sigevent);
	SZ(struct sockaddr); SZ(struct sockaddr_in); SZ(struct sockaddr_in6);
	SZ(struct sockaddr_un); SZ(struct sockaddr_storage);
	SZ(struct sockaddr_ll); SZ(struct msghdr); SZ(struct cmsghdr);
	SZ(struct linger); SZ(struct ip_mreq); SZ(struct ipv6_mreq);
	SZ(struct tcp_info); SZ(struct ifreq); SZ(struct ifconf);
	SZ(struct ifaddrs); SZ(struct iphdr); SZ(struct ip6_hdr);
	SZ(struct icmphdr); SZ(struct icmp6_hdr); SZ(struct udphdr);
	SZ(struct tcphdr); SZ(struct ether_header); SZ(struct arphdr);
	SZ(struct ether_arp); SZ(struct igmp); SZ(struct rtentry);
	SZ(HEADER); SZ(struct tftphdr); SZ(Elf64_Ehdr); SZ(Elf64_Phdr);
	SZ(Elf64_Shdr); SZ(Elf64_Sym); SZ(Elf64_Rela); SZ(Elf64_Dyn);
	SZ(Elf64_Nhdr); SZ(Elf64_auxv_t); SZ(struct dl_phdr_info);
	SZ(struct ar_hdr); SZ(struct lastlog); SZ(struct mq_attr);
	SZ(struct ipc_perm); SZ(struct msqid_ds); SZ(struct semid_ds);
	SZ(struct shmid_ds); SZ(struct sembuf); SZ(struct signalfd_siginfo);
	SZ(struct inotify_event); SZ(struct fanotify_event_metadata);
	SZ(struct acct); SZ(struct dqblk); SZ(struct mtop);
	 SZ(struct user_regs_struct); SZ(elf_gregset_t);
	SZ(struct user); SZ(sg_io_hdr_t); SZ(struct strbuf);
	SZ(struct utimbuf); SZ(struct itimerval); SZ(struct sched_param);
	SZ(cpu_set_t); SZ(posix_spawnattr_t *); SZ(locale_t); SZ(div_t);
	SZ(lldiv_t); SZ(imaxdiv_t); SZ(float complex); SZ(long double complex);
	SZ(long double); SZ(__int128);
	OFF(struct stat, st_size); OFF(struct stat, st_mtim);
	OFF(struct dirent, d_name); OFF(struct sigaction, sa_mask);
	OFF(siginfo_t, si_value); OFF(struct tm, tm_gmtoff);
	OFF(struct tm, tm_zone); OFF(ucontext_t, uc_mcontext);
	OFF(struct epoll_event, data); OFF(struct msghdr, msg_control);
	OFF(struct sockaddr_in6, sin6_scope_id); OFF(struct aiocb, aio_offset);
	OFF(struct sigevent, sigev_notify); OFF(struct termios, c_cc);
	OFF(struct utsname, machine); OFF(struct sysinfo, mem_unit);
	VAL(EAGAIN); VAL(EWOULDBLOCK); VAL(EOWNERDEAD); VAL(ENOTSUP);
	VAL(EHWPOISON); VAL(O_CREAT); VAL(O_EXCL); VAL(O_NONBLOCK);
	VAL(O_CLOEXEC); VAL(O_DIRECTORY); VAL(O_NOFOLLOW); VAL(O_TMPFILE);
	VAL(O_PATH); VAL(O_DSYNC); VAL(O_SYNC); VAL(O_LARGEFILE); VAL(AT_FDCWD);
	VAL(AT_REMOVEDIR); VAL(AT_EMPTY_PATH); VAL(F_SETLKW); VAL(F_OFD_SETLK);
	VAL(F_DUPFD_CLOEXEC); VAL(F_SETPIPE_SZ); VAL(SIGRTMIN); VAL(SIGRTMAX);
	VAL(SIGSTKSZ); VAL(MINSIGSTKSZ); VAL(SA_RESTART); VAL(SA_SIGINFO);
	VAL(SIG_BLOCK); VAL(MAP_ANONYMOUS); VAL(MAP_FAILED == (void *)-1);
	VAL(PROT_EXEC); VAL(MREMAP_MAYMOVE); VAL(MADV_DONTNEED);
	VAL(MS_SYNC); VAL(MCL_CURRENT); VAL(EPOLLIN); VAL(EPOLLET);
	VAL(EPOLLONESHOT); VAL(EPOLLEXCLUSIVE); VAL(POLLRDHUP); VAL(FD_SETSIZE);
	VAL(SOCK_NONBLOCK); VAL(SOCK_CLOEXEC); VAL(MSG_NOSIGNAL);
	VAL(MSG_DONTWAIT); VAL(SO_REUSEPORT); VAL(SOL_TCP); VAL(TCP_NODELAY);
	VAL(IPPROTO_IPV6); VAL(IPV6_V6ONLY); VAL(INADDR_LOOPBACK);
	VAL(AF_UNIX); VAL(AF_INET6); VAL(AF_PACKET); VAL(SOMAXCONN);
	VAL(PTHREAD_MUTEX_RECURSIVE); VAL(PTHREAD_CANCEL_ASYNCHRONOUS);
	VAL(PTHREAD_STACK_MIN); VAL(PTHREAD_KEYS_MAX); VAL(SEM_VALUE_MAX);
	VAL(CLOCK_MONOTONIC); VAL(CLOCK_BOOTTIME); VAL(TIMER_ABSTIME);
	VAL(CLOCKS_PER_SEC); VAL(PATH_MAX); VAL(NAME_MAX); VAL(PIPE_BUF);
	VAL(IOV_MAX); VAL(HOST_NAME_MAX); VAL(LOGIN_NAME_MAX); VAL(NGROUPS_MAX);
	VAL(LONG_BIT); VAL(MB_LEN_MAX); VAL(BUFSIZ); VAL(EOF); VAL(FILENAME_MAX);
	VAL(FOPEN_MAX); VAL(RAND_MAX); VAL(DBL_DIG); VAL(LDBL_MANT_DIG);
	VAL(DECIMAL_DIG); VAL(FLT_EVAL_METHOD); VAL(RLIMIT_NOFILE);
	VAL(RLIM_INFINITY == (rlim_t)-1); VAL(SYS_read); VAL(SYS_clone3);
	VAL(SYS_epoll_pwait2); VAL(SYS_futex); VAL(REG_EXTENDED);
	VAL(REG_NOMATCH); VAL(GLOB_NOMATCH); VAL(WRDE_NOSPACE); VAL(EX_USAGE);
	VAL(EX_CONFIG); VAL(TMAGLEN); VAL(C_ISDIR); VAL(ARFMAG[0]);
	VAL(EM_X86_64); VAL(PT_GNU_STACK); VAL(AT_RANDOM); VAL(AT_HWCAP2);
	VAL(NT_PRSTATUS); VAL(ETH_P_IP); VAL(ETH_ALEN); VAL(ARPHRD_ETHER);
	VAL(IFNAMSIZ); VAL(IFF_UP); VAL(ICMP_ECHO); VAL(ICMP6_ECHO_REQUEST);
	VAL(IPTOS_LOWDELAY); VAL(TELOPT_ECHO); VAL(PRELIM); VAL(SEGSIZE);
	VAL(NS_PACKETSZ); VAL(ns_t_aaaa); VAL(IPC_CREAT); VAL(SHM_RDONLY);
	VAL(SEM_UNDO); VAL(MSG_NOERROR); VAL(IN_CREATE); VAL(FAN_CLASS_NOTIF);
	VAL(SFD_CLOEXEC); VAL(MS_RDONLY); VAL(MNT_DETACH); VAL(RB_AUTOBOOT);
	VAL(SWAP_FLAG_PREFER); VAL(PER_LINUX); VAL(PTRACE_TRACEME); VAL(RIP);
	VAL(Q_GETQUOTA); VAL(MTREW);
	VAL(SCSI_IOCTL_GET_IDLUN);
	VAL(SG_IO); VAL(TEST_UNIT_READY); VAL(MEMBARRIER_CMD_QUERY);
	VAL(XATTR_CREATE); VAL(ACCT_COMM); VAL(I_PUSH); VAL(UT_LINESIZE);
	VAL(ADJ_OFFSET); VAL(CPU_SETSIZE); VAL(SCHED_FIFO); VAL(TCSANOW);
	VAL(B115200); VAL(WNOHANG); VAL(P_ALL); VAL(LOCK_EX); VAL(DT_DIR);
	VAL(S_IFSOCK); VAL(UTIME_NOW); VAL(ITIMER_PROF); VAL(PRIO_USER);
	VAL(RUSAGE_THREAD); VAL(MAXFLOAT > 0); VAL(_POSIX_VERSION);
	VAL(_XOPEN_VERSION); VAL(true and not false);
	VAL(LOG_UPTO(LOG_WARNING)); VAL(LOG_MASK(LOG_ERR)); VAL(LOG_LOCAL7);
	VAL(TTYDEF_IFLAG); VAL(CEOF); VAL(T_AAAA); VAL(SYS_exit_group);
	printf("paths %s %s %s %s\n", _PATH_DEVNULL, _PATH_TMP, _PATH_BSHELL,
	       _PATH_DEFPATH);
	printf("PRI %s %s %s %s\n", PRId64, PRIxPTR, SCNu8, PRIuFAST16);
	static_assert(sizeof(long) == 8, "LP64");
	alignas(64) char aligned[3];
	CHECK(((uintptr_t)aligned & 63) == 0);
	return 0;
}
