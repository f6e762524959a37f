// SPDX-License-Identifier: GPL-2.0
/*
 * pftest: the traffic end points of pfmod's selftests, so that a test costs
 * a process per end point rather than one per packet.
 *
 *   pftest serve [-u|-s] [-a ADDR] -p PORT[,PORT...] [-n NAME] [-d]
 *	Answers every request (a TCP/SCTP read, a UDP datagram) with
 *	"NAME PEER-ADDRESS PEER-PORT\n", so a client learns which server it
 *	reached and with which source address; "%p" in NAME is the port it
 *	was reached on. -d: go to the background once listening and print
 *	the server's pid.
 *   pftest request [-u|-s] [-w MS] [-b ADDR] [-P SRCPORT] ADDR PORT
 *	One request; prints the answer. Exit 1 on any failure, with the reason.
 *   pftest chat [-u|-s] [-w MS] [-b ADDR] ADDR PORT
 *	One connection; every line read on stdin is sent as a request and the
 *	answer printed. Stops with exit 1 and the reason at the first failure.
 *   pftest flood [-w MS] [-P PARALLEL] [-b ADDR] [-T FILE] -n CONNS ADDR PORT
 *	CONNS short TCP connections (connect, request, answer, close), PARALLEL
 *	at a time, each given up as failed after MS; prints "OK ok FAILED
 *	failed SECONDS s RATE conn/s". SIGINT or SIGTERM: finish the
 *	connections under way, then print. -T: one line per connection in
 *	FILE, "START END 1|0" (wall clock seconds, 1 for success). Exits 0 once
 *	it has run (failed connections are data), 1 on a usage or system error.
 *   pftest sink -p PORT [-d]
 *	Accepts TCP connections and reads them to the end.
 *   pftest blast [-t SECONDS] ADDR PORT
 *	Writes to one TCP connection for SECONDS (default 5); prints "MBYTES MB
 *	SECONDS s RATE MB/s".
 *   pftest stream [-u] -p PORT [-n NAME] [-o FILE] [-l SECONDS] -d
 *	A server that talks without being asked: a line every 10 ms to each
 *	TCP client (to each UDP peer, once it has sent a datagram), until the
 *	connection fails; then "end PEER REASON TIME" goes to FILE (TIME: wall
 *	clock seconds). A UDP peer is sent to for SECONDS (default 5) after
 *	its last datagram.
 *   pftest listen [-u] [-b ADDR] [-t SECONDS] ADDR PORT
 *	Connects (UDP: sends one datagram) and reads what comes for SECONDS at
 *	most (default 60); prints "end REASON TIME BYTES LAST" when the
 *	connection fails or the time is up (REASON "timeout"): the wall clock
 *	time of the end, and of the last data that came (0: none).
 *   pftest hold -q QUEUE [-t SECONDS]
 *	Binds to NFQUEUE QUEUE and holds each packet it gets for SECONDS
 *	(default 3) before it lets the packet go on (NF_ACCEPT); prints "held
 *	N" when SIGINT or SIGTERM ends it.
 *
 * ADDR is an IPv4 or IPv6 address. Servers listen on both families unless
 * -a gives an address.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_queue.h>

#ifndef IPPROTO_SCTP
#define IPPROTO_SCTP 132
#endif

static int sotype = SOCK_STREAM, proto = IPPROTO_TCP;
static int wait_ms = 3000;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stdout, "pftest: ");
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	exit(1);
}

static socklen_t make_addr(const char *s, int port, struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *s6 = (void *)ss;
	struct sockaddr_in *s4 = (void *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, s, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		return sizeof(*s4);
	}
	if (inet_pton(AF_INET6, s, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		return sizeof(*s6);
	}
	die("bad address '%s'", s);
}

static void format_peer(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	const struct sockaddr_in6 *s6 = (const void *)ss;
	const struct sockaddr_in *s4 = (const void *)ss;
	char a[INET6_ADDRSTRLEN];

	if (ss->ss_family == AF_INET) {
		inet_ntop(AF_INET, &s4->sin_addr, a, sizeof(a));
		snprintf(buf, len, "%s %u", a, ntohs(s4->sin_port));
	} else if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
		inet_ntop(AF_INET, &s6->sin6_addr.s6_addr[12], a, sizeof(a));
		snprintf(buf, len, "%s %u", a, ntohs(s6->sin6_port));
	} else {
		inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof(a));
		snprintf(buf, len, "%s %u", a, ntohs(s6->sin6_port));
	}
}

static int parse_common(int argc, char **argv, const char *extra, int *opt_out)
{
	char spec[64];
	int opt;

	snprintf(spec, sizeof(spec), "usw:%s", extra);
	opt = getopt(argc, argv, spec);
	switch (opt) {
	case 'u':
		sotype = SOCK_DGRAM;
		proto = IPPROTO_UDP;
		return 1;
	case 's':
		sotype = SOCK_STREAM;
		proto = IPPROTO_SCTP;
		return 1;
	case 'w':
		wait_ms = atoi(optarg);
		return 1;
	}
	*opt_out = opt;
	return 0;
}

/* --- serve ---------------------------------------------------------------- */

#define MAX_CLIENTS 1024
#define MAX_PORTS 64

/* The answer: "NAME PEER PORT\n", with %p in NAME standing for our port. */
static int answer(const char *name, int fd, const struct sockaddr_storage *peer, char *buf,
		  size_t len)
{
	struct sockaddr_storage me;
	socklen_t ml = sizeof(me);
	char p[128], n[128];
	const char *pct;
	int port = 0;

	if (getsockname(fd, (void *)&me, &ml) == 0)
		port = ntohs(me.ss_family == AF_INET ? ((struct sockaddr_in *)&me)->sin_port :
						       ((struct sockaddr_in6 *)&me)->sin6_port);
	pct = strstr(name, "%p");
	if (pct)
		snprintf(n, sizeof(n), "%.*s%d%s", (int)(pct - name), name, port, pct + 2);
	else
		snprintf(n, sizeof(n), "%s", name);
	format_peer(peer, p, sizeof(p));
	return snprintf(buf, len, "%s %s\n", n, p);
}

static int cmd_serve(int argc, char **argv)
{
	struct pollfd pfd[MAX_PORTS + MAX_CLIENTS];
	const char *name = "server", *addr = NULL;
	char *ports = NULL, *tok, *save = NULL;
	struct sockaddr_storage ss, peer;
	int daemonize = 0, one = 1, zero = 0, opt, fd, nl = 0, n, i, port;
	socklen_t alen, plen;
	char buf[4096], reply[256];

	for (;;) {
		if (parse_common(argc, argv, "a:p:n:d", &opt))
			continue;
		if (opt == -1)
			break;
		switch (opt) {
		case 'a': addr = optarg; break;
		case 'p': ports = optarg; break;
		case 'n': name = optarg; break;
		case 'd': daemonize = 1; break;
		default: die("usage: serve [-u|-s] [-a ADDR] -p PORT[,PORT...] [-n NAME] [-d]");
		}
	}
	if (!ports)
		die("serve: need -p PORT");
	for (tok = strtok_r(ports, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		port = atoi(tok);
		if (port <= 0 || port > 65535 || nl == MAX_PORTS)
			die("serve: bad port '%s'", tok);
		alen = make_addr(addr ? addr : "::", port, &ss);
		fd = socket(ss.ss_family, sotype, proto);
		if (fd < 0)
			die("socket: %s", strerror(errno));
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (ss.ss_family == AF_INET6)
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
		if (bind(fd, (void *)&ss, alen) < 0)
			die("bind port %d: %s", port, strerror(errno));
		if (sotype == SOCK_STREAM && listen(fd, 4096) < 0)
			die("listen: %s", strerror(errno));
		pfd[nl].fd = fd;
		pfd[nl].events = POLLIN;
		nl++;
	}
	if (daemonize) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork: %s", strerror(errno));
		if (pid) {
			printf("%d\n", pid);
			return 0;
		}
		setsid();
		fclose(stdout);
		fclose(stdin);
	}
	signal(SIGPIPE, SIG_IGN);
	n = nl;
	for (;;) {
		if (poll(pfd, n, -1) < 0)
			continue;
		for (i = 0; i < nl; i++) {
			if (!(pfd[i].revents & POLLIN))
				continue;
			plen = sizeof(peer);
			if (sotype == SOCK_DGRAM) {
				ssize_t r = recvfrom(pfd[i].fd, buf, sizeof(buf), 0, (void *)&peer,
						     &plen);

				if (r >= 0) {
					r = answer(name, pfd[i].fd, &peer, reply, sizeof(reply));
					sendto(pfd[i].fd, reply, r, 0, (void *)&peer, plen);
				}
			} else {
				int c = accept(pfd[i].fd, NULL, NULL);

				if (c >= 0 && n < MAX_PORTS + MAX_CLIENTS) {
					pfd[n].fd = c;
					pfd[n].events = POLLIN;
					pfd[n].revents = 0;
					n++;
				} else if (c >= 0) {
					close(c);
				}
			}
		}
		for (i = nl; i < n; i++) {
			ssize_t r;

			if (!pfd[i].revents)
				continue;
			r = read(pfd[i].fd, buf, sizeof(buf));
			plen = sizeof(peer);
			if (r > 0 && getpeername(pfd[i].fd, (void *)&peer, &plen) == 0) {
				r = answer(name, pfd[i].fd, &peer, reply, sizeof(reply));
				if (write(pfd[i].fd, reply, r) == r)
					continue;
			}
			close(pfd[i].fd);
			pfd[i--] = pfd[--n];
		}
	}
}

/* --- clients -------------------------------------------------------------- */

static int wait_fd(int fd, short events, int ms)
{
	struct pollfd p = { .fd = fd, .events = events };
	int r = poll(&p, 1, ms);

	if (r == 0) {
		errno = ETIMEDOUT;
		return -1;
	}
	return r < 0 ? -1 : 0;
}

static int open_conn(const char *addr, int port, const char *bind_addr, int src_port, char *err,
		     size_t errlen)
{
	struct sockaddr_storage ss, bs;
	socklen_t alen = make_addr(addr, port, &ss), blen;
	int fd, soerr = 0;
	socklen_t sl = sizeof(soerr);

	fd = socket(ss.ss_family, sotype | SOCK_NONBLOCK, proto);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	if (bind_addr || src_port) {
		int one = 1;

		if (!bind_addr)
			bind_addr = ss.ss_family == AF_INET ? "0.0.0.0" : "::";
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		blen = make_addr(bind_addr, src_port, &bs);
		if (bind(fd, (void *)&bs, blen) < 0) {
			snprintf(err, errlen, "bind %s: %s", bind_addr, strerror(errno));
			close(fd);
			return -1;
		}
	}
	if (connect(fd, (void *)&ss, alen) < 0 && errno != EINPROGRESS) {
		snprintf(err, errlen, "connect %s port %d: %s", addr, port, strerror(errno));
		close(fd);
		return -1;
	}
	if (wait_fd(fd, POLLOUT, wait_ms) < 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0 || soerr) {
		snprintf(err, errlen, "connect %s port %d: %s", addr, port,
			 strerror(soerr ? soerr : errno));
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * A chat that gives up resets its connection: closed the ordinary way, a
 * socket with unacknowledged data lives on as an orphan in FIN-WAIT-1 and
 * retransmits for minutes, and a later forward would pick that up as a new
 * connection of its own.
 */
static void abort_conn(int fd)
{
	struct linger l = { .l_onoff = 1, .l_linger = 0 };

	if (setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l)))
		fprintf(stderr, "pftest: cannot reset the connection (SO_LINGER): %s\n",
			strerror(errno));
	close(fd);
}

/* Sends @msg and reads one answer into @buf. */
static int exchange(int fd, const char *msg, char *buf, size_t len, char *err, size_t errlen)
{
	ssize_t r;

	if (send(fd, msg, strlen(msg), MSG_NOSIGNAL) < 0) {
		snprintf(err, errlen, "send: %s", strerror(errno));
		return -1;
	}
	if (wait_fd(fd, POLLIN, wait_ms) < 0) {
		snprintf(err, errlen, "no answer: %s", strerror(errno));
		return -1;
	}
	r = recv(fd, buf, len - 1, 0);
	if (r <= 0) {
		snprintf(err, errlen, "no answer: %s", r ? strerror(errno) : "connection closed");
		return -1;
	}
	buf[r] = '\0';
	return 0;
}

static int cmd_request(int argc, char **argv)
{
	const char *bind_addr = NULL;
	char buf[512], err[256];
	int opt, fd, src_port = 0;

	for (;;) {
		if (parse_common(argc, argv, "b:P:", &opt))
			continue;
		if (opt == -1)
			break;
		if (opt == 'b')
			bind_addr = optarg;
		else if (opt == 'P')
			src_port = atoi(optarg);
		else
			die("usage: request [-u|-s] [-w MS] [-b ADDR] [-P SRCPORT] ADDR PORT");
	}
	if (argc - optind != 2)
		die("usage: request [-u|-s] [-w MS] [-b ADDR] [-P SRCPORT] ADDR PORT");
	fd = open_conn(argv[optind], atoi(argv[optind + 1]), bind_addr, src_port, err, sizeof(err));
	if (fd < 0 || exchange(fd, "hello\n", buf, sizeof(buf), err, sizeof(err)) < 0)
		die("%s", err);
	fputs(buf, stdout);
	return 0;
}

static int cmd_chat(int argc, char **argv)
{
	char line[512], buf[512], err[256];
	const char *bind_addr = NULL;
	int opt, fd;

	for (;;) {
		if (parse_common(argc, argv, "b:", &opt))
			continue;
		if (opt == -1)
			break;
		if (opt == 'b')
			bind_addr = optarg;
		else
			die("usage: chat [-u|-s] [-w MS] [-b ADDR] ADDR PORT");
	}
	if (argc - optind != 2)
		die("usage: chat [-u|-s] [-w MS] [-b ADDR] ADDR PORT");
	setvbuf(stdout, NULL, _IOLBF, 0);
	fd = open_conn(argv[optind], atoi(argv[optind + 1]), bind_addr, 0, err, sizeof(err));
	if (fd < 0)
		die("%s", err);
	printf("connected\n");
	while (fgets(line, sizeof(line), stdin)) {
		if (exchange(fd, line, buf, sizeof(buf), err, sizeof(err)) < 0) {
			abort_conn(fd);
			die("%s", err);
		}
		fputs(buf, stdout);
	}
	return 0;
}

static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The wall clock, which the test scripts share (date +%s.%N). */
static double wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmd_flood(int argc, char **argv)
{
	int parallel = 4, conns = 0, opt, started = 0, done = 0, failed = 0, i;
	struct slot { int fd; int state; double start; } *s;
	FILE *timeline = NULL;
	struct sockaddr_storage ss, bs;
	const char *bind_addr = NULL;
	socklen_t blen = 0;
	struct pollfd *pfd;
	socklen_t alen;
	char buf[512];
	double t0, t, wall0;

	for (;;) {
		if (parse_common(argc, argv, "P:n:b:T:", &opt))
			continue;
		if (opt == -1)
			break;
		if (opt == 'T') {
			timeline = fopen(optarg, "w");
			if (!timeline)
				die("flood: %s: %s", optarg, strerror(errno));
		} else if (opt == 'b') {
			bind_addr = optarg;
		} else if (opt == 'P') {
			parallel = atoi(optarg);
		} else if (opt == 'n') {
			conns = atoi(optarg);
		} else {
			die("usage: flood [-w MS] [-P PARALLEL] [-b ADDR] [-T FILE] -n CONNS ADDR PORT");
		}
	}
	if (argc - optind != 2 || conns <= 0 || parallel <= 0)
		die("usage: flood [-w MS] [-P PARALLEL] [-b ADDR] [-T FILE] -n CONNS ADDR PORT");
	alen = make_addr(argv[optind], atoi(argv[optind + 1]), &ss);
	if (bind_addr)
		blen = make_addr(bind_addr, 0, &bs);
	s = calloc(parallel, sizeof(*s));
	pfd = calloc(parallel, sizeof(*pfd));
	if (!s || !pfd)
		die("out of memory");
	for (i = 0; i < parallel; i++)
		s[i].fd = -1;
	signal(SIGINT, on_stop);
	signal(SIGTERM, on_stop);
	t0 = now();
	wall0 = wall();
	while (done < started || (!stop && done < conns)) {
		for (i = 0; i < parallel; i++) {
			if (s[i].fd >= 0 || started >= conns || stop)
				continue;
			s[i].fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
			if (s[i].fd < 0)
				die("socket: %s", strerror(errno));
			if (bind_addr && bind(s[i].fd, (void *)&bs, blen) < 0)
				die("bind %s: %s", bind_addr, strerror(errno));
			if (connect(s[i].fd, (void *)&ss, alen) < 0 && errno != EINPROGRESS) {
				close(s[i].fd);
				s[i].fd = -1;
				failed++;
				done++;
				started++;
				if (timeline)
					fprintf(timeline, "%.3f %.3f 0\n", wall(), wall());
				continue;
			}
			s[i].state = 0;
			s[i].start = now();
			started++;
		}
		for (i = 0; i < parallel; i++) {
			pfd[i].fd = s[i].fd;
			pfd[i].events = s[i].state ? POLLIN : POLLOUT;
			pfd[i].revents = 0;
		}
		if (done == started)
			continue;
		poll(pfd, parallel, 100);
		t = now();
		for (i = 0; i < parallel; i++) {
			int ok = 1;

			if (s[i].fd >= 0 && !pfd[i].revents && t - s[i].start > wait_ms / 1e3) {
				/* Given up: it took too long. */
				close(s[i].fd);
				s[i].fd = -1;
				failed++;
				done++;
				if (timeline)
					fprintf(timeline, "%.3f %.3f 0\n", s[i].start - t0 + wall0,
						t - t0 + wall0);
				continue;
			}
			if (s[i].fd < 0 || !pfd[i].revents)
				continue;
			if (s[i].state == 0) {
				int soerr = 0;
				socklen_t sl = sizeof(soerr);

				getsockopt(s[i].fd, SOL_SOCKET, SO_ERROR, &soerr, &sl);
				if (!soerr && send(s[i].fd, "x\n", 2, MSG_NOSIGNAL) == 2) {
					s[i].state = 1;
					continue;
				}
				ok = 0;
			} else if (recv(s[i].fd, buf, sizeof(buf), 0) <= 0) {
				ok = 0;
			}
			close(s[i].fd);
			s[i].fd = -1;
			failed += !ok;
			done++;
			if (timeline)
				fprintf(timeline, "%.3f %.3f %d\n", s[i].start - t0 + wall0,
					t - t0 + wall0, ok);
		}
	}
	t = now() - t0;
	if (timeline && fclose(timeline))
		die("flood: timeline: %s", strerror(errno));
	printf("%d ok %d failed %.3f s %.1f conn/s\n", done - failed, failed, t,
	       (done - failed) / t);
	return 0;
}

static int cmd_sink(int argc, char **argv)
{
	int opt, port = 0, daemonize = 0, fd, c, one = 1, zero = 0;
	struct sockaddr_storage ss;
	socklen_t alen;
	static char buf[1 << 16];

	while ((opt = getopt(argc, argv, "p:d")) != -1) {
		if (opt == 'p')
			port = atoi(optarg);
		else if (opt == 'd')
			daemonize = 1;
		else
			die("usage: sink -p PORT [-d]");
	}
	alen = make_addr("::", port, &ss);
	fd = socket(AF_INET6, SOCK_STREAM, 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	if (fd < 0 || bind(fd, (void *)&ss, alen) < 0 || listen(fd, 16) < 0)
		die("sink: port %d: %s", port, strerror(errno));
	if (daemonize) {
		pid_t pid = fork();

		if (pid) {
			printf("%d\n", pid);
			return 0;
		}
		setsid();
		fclose(stdout);
	}
	signal(SIGCHLD, SIG_IGN);
	for (;;) {
		c = accept(fd, NULL, NULL);
		if (c < 0)
			continue;
		if (fork() == 0) {
			while (read(c, buf, sizeof(buf)) > 0)
				;
			_exit(0);
		}
		close(c);
	}
}

static int cmd_blast(int argc, char **argv)
{
	static char buf[1 << 16];
	double secs = 5, t0, t;
	long long total = 0;
	char err[256];
	ssize_t w;
	int opt, fd, fl;

	while ((opt = getopt(argc, argv, "t:")) != -1) {
		if (opt == 't')
			secs = atof(optarg);
		else
			die("usage: blast [-t SECONDS] ADDR PORT");
	}
	if (argc - optind != 2)
		die("usage: blast [-t SECONDS] ADDR PORT");
	fd = open_conn(argv[optind], atoi(argv[optind + 1]), NULL, 0, err, sizeof(err));
	if (fd < 0)
		die("%s", err);
	fl = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	t0 = now();
	do {
		w = write(fd, buf, sizeof(buf));
		if (w < 0)
			die("blast: %s", strerror(errno));
		total += w;
		t = now() - t0;
	} while (t < secs);
	close(fd);
	printf("%.1f MB %.3f s %.2f MB/s\n", total / 1e6, t, total / 1e6 / t);
	return 0;
}

/* --- stream, listen: traffic that flows without being asked for ---------- */

#define MAX_PEERS 64

static void log_end(FILE *log, const char *peer, const char *reason)
{
	if (!log)
		return;
	fprintf(log, "end %s %s %.3f\n", peer, reason, wall());
	fflush(log);
}

static int cmd_stream(int argc, char **argv)
{
	struct pollfd pfd[1 + MAX_PEERS];
	char names[1 + MAX_PEERS][128];
	struct sockaddr_storage ss, peers[MAX_PEERS];
	socklen_t plens[MAX_PEERS], alen, plen;
	double until[MAX_PEERS], life = 5;
	const char *name = "stream";
	int opt, port = 0, daemonize = 0, fd, n = 1, npeers = 0, i, one = 1, zero = 0;
	unsigned long tick = 0;
	char line[128], buf[4096];
	FILE *log = NULL;
	double next;

	for (;;) {
		if (parse_common(argc, argv, "p:n:o:l:d", &opt))
			continue;
		if (opt == -1)
			break;
		switch (opt) {
		case 'p': port = atoi(optarg); break;
		case 'l': life = atof(optarg); break;
		case 'n': name = optarg; break;
		case 'o':
			log = fopen(optarg, "a");
			if (!log)
				die("stream: %s: %s", optarg, strerror(errno));
			break;
		case 'd': daemonize = 1; break;
		default: die("usage: stream [-u] -p PORT [-n NAME] [-o FILE] [-l SECONDS] [-d]");
		}
	}
	if (port <= 0 || port > 65535)
		die("stream: need -p PORT");
	alen = make_addr("::", port, &ss);
	fd = socket(AF_INET6, sotype, proto);
	if (fd < 0)
		die("socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	if (bind(fd, (void *)&ss, alen) < 0 || (sotype == SOCK_STREAM && listen(fd, 16) < 0))
		die("stream: port %d: %s", port, strerror(errno));
	if (daemonize) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork: %s", strerror(errno));
		if (pid) {
			printf("%d\n", pid);
			return 0;
		}
		setsid();
		fclose(stdout);
		fclose(stdin);
	}
	signal(SIGPIPE, SIG_IGN);
	pfd[0].fd = fd;
	pfd[0].events = POLLIN;
	next = now();
	for (;;) {
		int ms = (int)((next - now()) * 1000);

		if (poll(pfd, n, ms > 0 ? ms : 0) > 0) {
			if (pfd[0].revents & POLLIN) {
				plen = sizeof(ss);
				if (sotype == SOCK_DGRAM) {
					if (recvfrom(fd, buf, sizeof(buf), 0, (void *)&ss, &plen) >= 0) {
						for (i = 0; i < npeers; i++)
							if (plens[i] == plen && !memcmp(&peers[i], &ss, plen))
								break;
						if (i == npeers && npeers < MAX_PEERS) {
							peers[npeers] = ss;
							plens[npeers++] = plen;
						}
						if (i < npeers)
							until[i] = now() + life;
					}
				} else {
					int c = accept(fd, (void *)&ss, &plen);

					if (c >= 0 && n < 1 + MAX_PEERS) {
						fcntl(c, F_SETFL, O_NONBLOCK);
						format_peer(&ss, names[n], sizeof(names[n]));
						pfd[n].fd = c;
						pfd[n].events = POLLIN;
						pfd[n++].revents = 0;
					} else if (c >= 0) {
						close(c);
					}
				}
			}
			for (i = 1; i < n; i++) {
				ssize_t r;

				if (!pfd[i].revents)
					continue;
				r = read(pfd[i].fd, buf, sizeof(buf));
				if (r > 0 || (r < 0 && errno == EAGAIN))
					continue;
				log_end(log, names[i], r ? strerror(errno) : "closed");
				close(pfd[i].fd);
				memcpy(names[i], names[n - 1], sizeof(names[i]));
				pfd[i--] = pfd[--n];
			}
		}
		if (now() < next)
			continue;
		next += 0.01;
		snprintf(line, sizeof(line), "%s %lu\n", name, tick++);
		for (i = 0; i < npeers; i++) {
			if (until[i] < now()) {
				peers[i] = peers[npeers - 1];
				plens[i] = plens[npeers - 1];
				until[i--] = until[--npeers];
				continue;
			}
			sendto(fd, line, strlen(line), 0, (void *)&peers[i], plens[i]);
		}
		for (i = 1; i < n; i++) {
			if (write(pfd[i].fd, line, strlen(line)) >= 0 || errno == EAGAIN)
				continue;
			log_end(log, names[i], strerror(errno));
			close(pfd[i].fd);
			memcpy(names[i], names[n - 1], sizeof(names[i]));
			pfd[i--] = pfd[--n];
		}
	}
}

static int cmd_listen(int argc, char **argv)
{
	const char *bind_addr = NULL, *reason = "timeout";
	double secs = 60, deadline, last = 0;
	long long bytes = 0;
	char buf[4096], err[256];
	int opt, fd;
	ssize_t r;

	for (;;) {
		if (parse_common(argc, argv, "b:t:", &opt))
			continue;
		if (opt == -1)
			break;
		if (opt == 'b')
			bind_addr = optarg;
		else if (opt == 't')
			secs = atof(optarg);
		else
			die("usage: listen [-u] [-b ADDR] [-t SECONDS] ADDR PORT");
	}
	if (argc - optind != 2)
		die("usage: listen [-u] [-b ADDR] [-t SECONDS] ADDR PORT");
	setvbuf(stdout, NULL, _IOLBF, 0);
	fd = open_conn(argv[optind], atoi(argv[optind + 1]), bind_addr, 0, err, sizeof(err));
	if (fd < 0)
		die("%s", err);
	if (sotype == SOCK_DGRAM && send(fd, "hello\n", 6, 0) < 0)
		die("send: %s", strerror(errno));
	printf("connected\n");
	deadline = now() + secs;
	for (;;) {
		int ms = (int)((deadline - now()) * 1000);

		if (ms <= 0)
			break;
		if (wait_fd(fd, POLLIN, ms) < 0) {
			if (errno == ETIMEDOUT)
				break;
			reason = strerror(errno);
			break;
		}
		r = recv(fd, buf, sizeof(buf), 0);
		if (r > 0) {
			bytes += r;
			last = wall();
			continue;
		}
		if (r < 0 && errno == EAGAIN)
			continue;
		reason = r ? strerror(errno) : "closed";
		break;
	}
	printf("end %s %.3f %lld %.3f\n", reason, wall(), bytes, last);
	return 0;
}

/* --- hold: packets kept back in an NFQUEUE for a while -------------------- */

static int hold_send(struct mnl_socket *nl, uint16_t type, uint16_t queue,
		     void (*put)(struct nlmsghdr *nlh, void *arg), void *arg)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;

	nlh->nlmsg_type = (NFNL_SUBSYS_QUEUE << 8) | type;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = AF_UNSPEC;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = htons(queue);
	put(nlh, arg);
	return mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0 ? -1 : 0;
}

static void hold_put_bind(struct nlmsghdr *nlh, void *arg)
{
	struct nfqnl_msg_config_cmd cmd = { .command = NFQNL_CFG_CMD_BIND };
	struct nfqnl_msg_config_params params = { .copy_mode = NFQNL_COPY_META };

	(void)arg;
	mnl_attr_put(nlh, NFQA_CFG_CMD, sizeof(cmd), &cmd);
	mnl_attr_put(nlh, NFQA_CFG_PARAMS, sizeof(params), &params);
}

static void hold_put_verdict(struct nlmsghdr *nlh, void *arg)
{
	struct nfqnl_msg_verdict_hdr v = {
		.verdict = htonl(NF_ACCEPT),
		.id = htonl(*(uint32_t *)arg),
	};

	mnl_attr_put(nlh, NFQA_VERDICT_HDR, sizeof(v), &v);
}

struct held {
	uint32_t id;
	double due;
};

static int hold_packet(const struct nlmsghdr *nlh, void *arg)
{
	const struct nfqnl_msg_packet_hdr *ph;
	struct held *h = arg;
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg)) {
		if (mnl_attr_get_type(a) != NFQA_PACKET_HDR ||
		    mnl_attr_get_payload_len(a) < sizeof(*ph))
			continue;
		ph = mnl_attr_get_payload(a);
		h->id = ntohl(ph->packet_id);
		return MNL_CB_STOP;
	}
	return MNL_CB_OK;
}

static int cmd_hold(int argc, char **argv)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct held held[256];
	struct mnl_socket *nl;
	int opt, queue = -1, nheld = 0, total = 0, i;
	double secs = 3;
	ssize_t r;

	while ((opt = getopt(argc, argv, "q:t:")) != -1) {
		if (opt == 'q')
			queue = atoi(optarg);
		else if (opt == 't')
			secs = atof(optarg);
		else
			die("usage: hold -q QUEUE [-t SECONDS]");
	}
	if (queue < 0 || queue > 65535)
		die("usage: hold -q QUEUE [-t SECONDS]");
	nl = mnl_socket_open(NETLINK_NETFILTER);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		die("hold: netlink: %s", strerror(errno));
	if (hold_send(nl, NFQNL_MSG_CONFIG, queue, hold_put_bind, NULL))
		die("hold: bind queue %d: %s", queue, strerror(errno));
	signal(SIGINT, on_stop);
	signal(SIGTERM, on_stop);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("holding queue %d\n", queue);
	while (!stop) {
		struct pollfd p = { .fd = mnl_socket_get_fd(nl), .events = POLLIN };

		if (poll(&p, 1, 50) > 0) {
			r = mnl_socket_recvfrom(nl, buf, sizeof(buf));
			if (r > 0 && nheld < (int)(sizeof(held) / sizeof(held[0]))) {
				held[nheld].id = 0;
				if (mnl_cb_run(buf, r, 0, 0, hold_packet, &held[nheld]) >= 0 &&
				    held[nheld].id) {
					held[nheld++].due = now() + secs;
					total++;
				}
			}
		}
		for (i = 0; i < nheld; i++) {
			if (held[i].due > now())
				continue;
			hold_send(nl, NFQNL_MSG_VERDICT, queue, hold_put_verdict, &held[i].id);
			held[i--] = held[--nheld];
		}
	}
	for (i = 0; i < nheld; i++)
		hold_send(nl, NFQNL_MSG_VERDICT, queue, hold_put_verdict, &held[i].id);
	printf("held %d\n", total);
	mnl_socket_close(nl);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		die("usage: pftest serve|request|chat|flood ...");
	optind = 2;
	if (!strcmp(argv[1], "serve"))
		return cmd_serve(argc, argv);
	if (!strcmp(argv[1], "request"))
		return cmd_request(argc, argv);
	if (!strcmp(argv[1], "chat"))
		return cmd_chat(argc, argv);
	if (!strcmp(argv[1], "flood"))
		return cmd_flood(argc, argv);
	if (!strcmp(argv[1], "sink"))
		return cmd_sink(argc, argv);
	if (!strcmp(argv[1], "blast"))
		return cmd_blast(argc, argv);
	if (!strcmp(argv[1], "stream"))
		return cmd_stream(argc, argv);
	if (!strcmp(argv[1], "listen"))
		return cmd_listen(argc, argv);
	if (!strcmp(argv[1], "hold"))
		return cmd_hold(argc, argv);
	die("unknown command '%s'", argv[1]);
}
