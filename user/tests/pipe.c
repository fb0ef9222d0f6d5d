/*
 * pipe.c - pipes, FIFOs and descriptors served by a port: the pipe
 * server (user/pipeserv.c), libc's side (user/lib/pipe.c), the kernel's
 * FILE_PORT descriptors, dup/dup2 and MSG_TO_FD (docs/pipes.md).
 *
 * Every test ends with the pipe server holding nothing (no pipes, ends,
 * waiting requests or bytes) and frames, heap, tasks, ports and messages
 * back at their baseline.
 */
#include "utest.h"

#include <ns.h>
#include <pipe.h>
#include <sys/mman.h>

#define WAIT_MS 3000 /* for a task to block: far longer than it takes */
#define FDS	16   /* descriptors per task (NR_OPEN in kernel/file.h) */

static char big[8192]; /* scratch for large reads and writes */

/* ---- helpers ------------------------------------------------------------- */

static port_t service = PORT_NULL;

/* A send right to the pipe server's service port (looked up once). */
static port_t pipe_service(void)
{
	if (service == PORT_NULL)
		service = ns_lookup_wait(PIPE_SERVICE, WAIT_MS);
	return service;
}

/* An rpc to the service port with the kernel's result; m is the reply.
 * With srv > 0, to that (private) server's PORT_SELF instead. */
static long server_rpc(pid_t srv, struct msg *m)
{
	m->h.dest = srv > 0 ? srv : pipe_service();
	return raw_rpc(m, m, sizeof *m,
		       (srv > 0 ? MSG_TO_PID : 0) | MSG_TIMEOUT, IPC_WAIT);
}

static long service_rpc(struct msg *m)
{
	return server_rpc(0, m);
}

/* The int32 result a pipe server's reply starts with (or -9999). */
static int reply_result(const struct msg *m, int id)
{
	if (m->h.id != id + PIPE_REPLY_OFFSET || msg_body_len(m) < 4)
		return -9999;
	return body_int(m);
}

/*
 * What the pipe server holds now. The rpc also synchronises with it: the
 * server takes notifications (an end closed) before requests, so every
 * close done before this call has been seen when it answers.
 */
static int server_stat(pid_t srv, struct pipe_stat *st)
{
	struct msg m;

	msg_init(&m, PORT_NULL, PIPE_STAT, NULL, 0);
	memset(st, 0xff, sizeof *st);
	if (server_rpc(srv, &m) != (long)(MSG_SIZE_MIN + sizeof *st) ||
	    reply_result(&m, PIPE_STAT) != 0)
		return -1;
	memcpy(st, m.body, sizeof *st);
	return 0;
}

static int pipe_stat(struct pipe_stat *st)
{
	return server_stat(0, st);
}

/*
 * Wait until server srv (0: the system's) holds `waiting` requests and
 * `buffered` bytes: a sure sign that a task is blocked in a pipe call
 * (its state alone could be a moment's wait for an answer).
 */
static int wait_server(pid_t srv, unsigned waiting, unsigned buffered)
{
	struct pipe_stat st;

	for (int ms = 0; ms < WAIT_MS; ms += 10) {
		if (server_stat(srv, &st) == 0 && st.waiting == waiting &&
		    st.buffered == buffered)
			return 1;
		sleep_ms(10);
	}
	return 0;
}

/* The server holds nothing: no pipes, FIFOs, ends, waiters or bytes. */
static void expect_server_empty(int line)
{
	struct pipe_stat st;

	if (pipe_stat(&st) < 0) {
		fail(line, "PIPE_STAT rpc");
		return;
	}
	if (st.pipes || st.fifos || st.ends || st.waiting || st.buffered) {
		printf("utest: %s: server holds pipes %u fifos %u ends %u "
		       "waiting %u bytes %u\n",
		       test_name, st.pipes, st.fifos, st.ends, st.waiting,
		       st.buffered);
		fail(line, "pipe server empty");
	}
}

#define EXPECT_PIPES_CLEAN()                                                   \
	do {                                                                   \
		expect_server_empty(__LINE__);                                 \
		EXPECT_IPC_NO_LEAK();                                          \
	} while (0)

/*
 * The baseline: the first pipe() looks the server up (a name that stays)
 * and the first msg_rpc makes our reply port; do both now, and let the
 * server see the warm-up pipe closed, so that none of it is a "leak".
 */
static void pipe_baseline(void)
{
	struct pipe_stat st;
	int fd[2];

	if (pipe(fd) == 0) {
		close(fd[0]);
		close(fd[1]);
	}
	pipe_service();
	pipe_stat(&st);
	ipc_baseline();
}

/* Read until EOF (or max bytes): how many, or -1. */
static long read_all(int fd, char *buf, long max)
{
	long got = 0, n;

	while (got < max && (n = read(fd, buf + got, max - got)) > 0)
		got += n;
	return n < 0 ? -1 : got;
}

/* ---- ordinary pipes -------------------------------------------------------- */

/* The textbook's direction: the parent writes, the child reads, in order. */
UTEST(pipe_parent_to_child)
{
	char want[1024], msg[16];
	int fd[2], len = 0;
	pid_t pid;

	pipe_baseline();
	for (int i = 0; i < 50; i++)
		len += snprintf(want + len, sizeof want - len, "msg %02d\n", i);
	EXPECT_EQ(pipe(fd), 0);
	EXPECT(fd[0] >= 3 && fd[1] >= 3 && fd[0] != fd[1]);
	pid = ipc_fork();
	if (pid == 0) {
		char got[1024];
		long n = 0, r;

		close(fd[1]);
		/* small reads: the bytes come in order whatever the sizes */
		while (n < (long)sizeof got &&
		       (r = read(fd[0], got + n, 7)) > 0)
			n += r;
		EXPECT_EQ(n, len);
		EXPECT(n == len && memcmp(got, want, len) == 0);
		close(fd[0]);
		child_done();
	}
	close(fd[0]);
	for (int i = 0; i < 50; i++) {
		snprintf(msg, sizeof msg, "msg %02d\n", i);
		EXPECT_EQ(write(fd[1], msg, 7), 7);
	}
	close(fd[1]);
	EXPECT_CHILD_OK(pid);
	EXPECT_PIPES_CLEAN();
}

/*
 * EOF only when every write end is closed: here the child's copy (from
 * fork) outlives ours. And EOF comes at its close, not at its exit.
 */
UTEST(pipe_eof_all_writers)
{
	int fd[2], dupfd;
	char c = 0;
	pid_t pid;

	pipe_baseline();
	EXPECT_EQ(pipe(fd), 0);
	pid = ipc_fork();
	if (pid == 0) {
		close(fd[0]);
		sleep_ms(100);
		EXPECT_EQ(write(fd[1], "x", 1), 1);
		close(fd[1]);
		sleep_ms(500); /* still alive when the reader sees EOF */
		child_done();
	}
	close(fd[1]);
	EXPECT_EQ(read(fd[0], &c, 1), 1); /* waits for the child: not EOF */
	EXPECT_EQ(c, 'x');
	EXPECT_EQ(read(fd[0], &c, 1), 0);
	EXPECT_EQ(task_state(pid, NULL), ST_WAITING); /* closed, not exited */
	EXPECT_EQ(read(fd[0], &c, 1), 0);	      /* EOF stays EOF */
	close(fd[0]);
	EXPECT_CHILD_OK(pid);

	/* A dup of the write end is a writer too. */
	EXPECT_EQ(pipe(fd), 0);
	dupfd = dup(fd[1]);
	EXPECT(dupfd > fd[1]);
	close(fd[1]);
	EXPECT_EQ(write(dupfd, "y", 1), 1);
	EXPECT_EQ(read(fd[0], &c, 1), 1);
	EXPECT_EQ(c, 'y');
	close(dupfd);
	EXPECT_EQ(read(fd[0], &c, 1), 0);
	close(fd[0]);
	EXPECT_PIPES_CLEAN();
}

/* With no reader left, write fails with EPIPE: at once, after the
 * reader's exit, and for a writer blocked on a full pipe. */
UTEST(pipe_write_no_reader)
{
	int fd[2];
	pid_t pid;

	pipe_baseline();
	EXPECT_EQ(pipe(fd), 0);
	close(fd[0]);
	errno = 0;
	EXPECT_EQ(write(fd[1], "x", 1), -1);
	EXPECT_EQ(errno, EPIPE);
	close(fd[1]);

	/* The only reader is a child, which exits. */
	EXPECT_EQ(pipe(fd), 0);
	pid = fork();
	if (pid == 0)
		exit(0); /* takes its copies of both ends with it */
	close(fd[0]);
	waitpid(pid, NULL, 0);
	errno = 0;
	EXPECT_EQ(write(fd[1], "x", 1), -1);
	EXPECT_EQ(errno, EPIPE);
	close(fd[1]);

	/* A writer waiting for room hears EPIPE when the last reader goes:
	 * 4 KB fit, the next KB waits. */
	EXPECT_EQ(pipe(fd), 0);
	pid = ipc_fork();
	if (pid == 0) {
		close(fd[0]);
		EXPECT_EQ(write(fd[1], big, PIPE_BUF_SIZE + 1024),
			  PIPE_BUF_SIZE); /* the part that went in */
		errno = 0;
		EXPECT_EQ(write(fd[1], big, 1), -1);
		EXPECT_EQ(errno, EPIPE);
		child_done();
	}
	close(fd[1]);
	EXPECT(wait_server(0, 1, PIPE_BUF_SIZE)); /* full, one waits */
	close(fd[0]);
	EXPECT_CHILD_OK(pid);
	EXPECT_PIPES_CLEAN();
}

/* Descriptors are inherited across fork and exec: echo, exec'd with its
 * stdout dup2'ed onto a pipe, writes into the pipe. spawn too. */
UTEST(pipe_dup2_exec_echo)
{
	char *argv[] = {"echo", "hello", "pipe", NULL};
	char got[64];
	int fd[2], saved, status;
	pid_t pid;

	pipe_baseline();
	EXPECT_EQ(pipe(fd), 0);
	pid = fork();
	if (pid == 0) {
		dup2(fd[1], STDOUT_FILENO);
		close(fd[0]);
		close(fd[1]);
		exec("echo", argv);
		exit(99);
	}
	close(fd[1]);
	memset(got, 0, sizeof got);
	EXPECT_EQ(read_all(fd[0], got, sizeof got - 1), 11);
	EXPECT(strcmp(got, "hello pipe\n") == 0);
	close(fd[0]);
	EXPECT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_EQ(status, 0);

	/* spawn: the child gets our table as it is at the call. */
	EXPECT_EQ(pipe(fd), 0);
	saved = dup(STDOUT_FILENO);
	EXPECT_EQ(dup2(fd[1], STDOUT_FILENO), STDOUT_FILENO);
	argv[1] = "spawned";
	pid = spawn("echo", argv);
	EXPECT_EQ(dup2(saved, STDOUT_FILENO), STDOUT_FILENO);
	close(saved);
	close(fd[1]);
	memset(got, 0, sizeof got);
	EXPECT_EQ(read_all(fd[0], got, sizeof got - 1), 13);
	EXPECT(strcmp(got, "spawned pipe\n") == 0);
	close(fd[0]);
	EXPECT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_EQ(status, 0);
	EXPECT_PIPES_CLEAN();
}

static uint8_t pattern(unsigned i)
{
	return (uint8_t)(i * 31 + (i >> 9));
}

/* 200 KB through one pipe in odd-sized writes and reads, checked byte by
 * byte; prints the time it took. */
UTEST(pipe_large_transfer)
{
	static const unsigned wsizes[] = {1,	7,    513,  1024,
					  1025, 3001, 4096, 5000};
	static const unsigned rsizes[] = {3, 1020, 999, 64, 4096, 1};
	const unsigned total = 200 * 1024;
	unsigned got = 0, bad = 0, k = 0;
	unsigned long t0;
	int fd[2];
	pid_t pid;
	long n;

	pipe_baseline();
	EXPECT_EQ(pipe(fd), 0);
	t0 = uptime_ms();
	pid = ipc_fork();
	if (pid == 0) {
		unsigned sent = 0;

		close(fd[0]);
		while (sent < total) {
			unsigned len = wsizes[k++ % 8];

			if (len > total - sent)
				len = total - sent;
			for (unsigned i = 0; i < len; i++)
				big[i] = (char)pattern(sent + i);
			EXPECT_EQ(write(fd[1], big, len), len);
			sent += len;
		}
		close(fd[1]);
		child_done();
	}
	close(fd[1]);
	while ((n = read(fd[0], big, rsizes[k++ % 6])) > 0) {
		for (long i = 0; i < n; i++)
			bad += (uint8_t)big[i] != pattern(got + i);
		got += n;
	}
	EXPECT_EQ(n, 0);
	EXPECT_EQ(got, total);
	EXPECT_EQ(bad, 0);
	printf("utest: %s: %u bytes in %lu ms\n", test_name, got,
	       uptime_ms() - t0);
	close(fd[0]);
	EXPECT_CHILD_OK(pid);
	EXPECT_PIPES_CLEAN();
}

/* Many pipes one after the other (more than the server has slots), and
 * as many at once as there are descriptors: then EMFILE. */
UTEST(pipe_many_and_emfile)
{
	int fds[FDS][2], n = 0;
	char c;

	pipe_baseline();
	for (int i = 0; i < 100; i++) {
		int fd[2];

		EXPECT_EQ(pipe(fd), 0);
		EXPECT_EQ(write(fd[1], "z", 1), 1);
		EXPECT_EQ(read(fd[0], &c, 1), 1);
		close(fd[0]);
		close(fd[1]);
	}
	while (n < FDS && pipe(fds[n]) == 0)
		n++;
	EXPECT_EQ(errno, EMFILE);
	EXPECT_EQ(n, (FDS - 3) / 2); /* 0, 1, 2 are taken */
	for (int i = 0; i < n; i++) {
		close(fds[i][0]);
		close(fds[i][1]);
	}
	EXPECT_PIPES_CLEAN();
}

/* ---- FIFOs ------------------------------------------------------------------ */

/* Does out contain s? */
static int has(const char *out, const char *s)
{
	size_t n = strlen(s);

	for (; *out; out++)
		if (strncmp(out, s, n) == 0)
			return 1;
	return 0;
}

/* The textbook's named pipe between two unrelated programs (siblings
 * started by us), their output collected through a pipe. */
UTEST(fifo_unrelated_programs)
{
	char *rargv[] = {"fifo-reader", "utfifo", NULL};
	char *wargv[] = {"fifo-writer", "utfifo", "one", "two", NULL};
	char out[512];
	int fd[2], saved, status;
	pid_t r, w;

	pipe_baseline();
	EXPECT_EQ(pipe(fd), 0);
	saved = dup(STDOUT_FILENO);
	dup2(fd[1], STDOUT_FILENO);
	r = spawn("fifo-reader", rargv);
	w = spawn("fifo-writer", wargv);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	close(fd[1]);
	memset(out, 0, sizeof out);
	EXPECT(read_all(fd[0], out, sizeof out - 1) > 0); /* EOF: both done */
	close(fd[0]);
	EXPECT(has(out, "fifo-reader: read \"one\"\n"));
	EXPECT(has(out, "fifo-reader: read \"two\"\n"));
	EXPECT(has(out, "fifo-reader: end of file after 2 lines\n"));
	EXPECT(has(out, "fifo-writer: wrote 2 messages\n"));
	EXPECT_EQ(waitpid(r, &status, 0), r);
	EXPECT_EQ(status, 0);
	EXPECT_EQ(waitpid(w, &status, 0), w);
	EXPECT_EQ(status, 0);
	if (failures)
		printf("utest: %s: output was:\n%s", test_name, out);
	EXPECT_PIPES_CLEAN(); /* the reader unlinked it */
}

/* Open for reading waits for a writer, and open for writing for a
 * reader (POSIX); an open still waiting when the FIFO is unlinked fails. */
UTEST(fifo_blocking_open)
{
	char buf[8];
	int fd;
	pid_t pid;

	pipe_baseline();
	EXPECT_EQ(mkfifo("utf", 0600), 0);
	pid = ipc_fork();
	if (pid == 0) {
		int w = open("utf", O_WRONLY);

		EXPECT(w >= 3);
		EXPECT_EQ(write(w, "hi", 2), 2);
		close(w);
		child_done();
	}
	EXPECT(wait_server(0, 1, 0)); /* in open: there is no reader */
	fd = open("utf", O_RDONLY);
	EXPECT(fd >= 3);
	EXPECT_EQ(read_all(fd, buf, sizeof buf), 2);
	EXPECT(memcmp(buf, "hi", 2) == 0);
	close(fd);
	EXPECT_CHILD_OK(pid);

	/* The other way round: the reader waits for the writer. */
	pid = ipc_fork();
	if (pid == 0) {
		int r = open("/utf", O_RDONLY); /* one leading '/': the same */

		EXPECT(r >= 3);
		EXPECT_EQ(read_all(r, buf, sizeof buf), 3);
		EXPECT(memcmp(buf, "abc", 3) == 0);
		close(r);
		child_done();
	}
	EXPECT(wait_server(0, 1, 0));
	fd = open("utf", O_WRONLY);
	EXPECT(fd >= 3);
	EXPECT_EQ(write(fd, "abc", 3), 3);
	close(fd);
	EXPECT_CHILD_OK(pid);

	/* A reader killed while its open waits: a writer's open still
	 * completes (the reader was there when it came), but the reader's
	 * end is gone, so writing fails. */
	pid = fork();
	if (pid == 0) {
		open("utf", O_RDONLY);
		exit(99); /* not reached: killed while it waits */
	}
	EXPECT(wait_server(0, 1, 0));
	EXPECT_EQ(kill(pid), 0);
	EXPECT_EQ(waitpid(pid, NULL, 0), pid);
	fd = open("utf", O_WRONLY);
	EXPECT(fd >= 3);
	errno = 0;
	EXPECT_EQ(write(fd, "x", 1), -1);
	EXPECT_EQ(errno, EPIPE);
	close(fd);

	/* Unlinked while an open waits: the open fails. */
	pid = ipc_fork();
	if (pid == 0) {
		errno = 0;
		EXPECT_EQ(open("utf", O_RDONLY), -1);
		EXPECT_EQ(errno, ENOENT);
		child_done();
	}
	EXPECT(wait_server(0, 1, 0));
	EXPECT_EQ(unlink("utf"), 0);
	EXPECT_CHILD_OK(pid);
	errno = 0;
	EXPECT_EQ(open("utf", O_RDONLY), -1);
	EXPECT_EQ(errno, ENOENT);
	EXPECT_PIPES_CLEAN();
}

/* Names, modes and flags are checked, with clear errors. */
UTEST(fifo_bad_names)
{
	char long_name[40];

	pipe_baseline();
	memset(long_name, 'n', sizeof long_name - 1);
	long_name[sizeof long_name - 1] = '\0';
#define EXPECT_ERR(call, err)                                                  \
	do {                                                                   \
		errno = 0;                                                     \
		EXPECT_EQ(call, -1);                                           \
		EXPECT_EQ(errno, err);                                         \
	} while (0)
	EXPECT_ERR(mkfifo("", 0666), ENOENT);
	EXPECT_ERR(mkfifo("/", 0666), ENOENT);
	EXPECT_ERR(mkfifo(long_name, 0666), ENAMETOOLONG);
	EXPECT_ERR(mkfifo(NULL, 0666), EFAULT);
	EXPECT_ERR(mkfifo("motd", 0666), EEXIST); /* an initrd file */
	EXPECT_ERR(mkfifo("bad name", 0666), EINVAL);
	EXPECT_ERR(mkfifo("f1", 01000), EINVAL); /* not a mode */
	long_name[PIPE_NAME_MAX - 1] = '\0';	 /* the longest that fits */
	EXPECT_EQ(mkfifo(long_name, 0666), 0);
	EXPECT_EQ(unlink(long_name), 0);
	EXPECT_EQ(mkfifo("f1", 0666), 0);
	EXPECT_ERR(mkfifo("f1", 0666), EEXIST);
	EXPECT_ERR(mkfifo("/f1", 0666), EEXIST);
	EXPECT_ERR(open("f1", O_RDWR), EINVAL); /* one way only */
	EXPECT_ERR(open("f1", O_WRONLY | O_CREAT), EINVAL);
	EXPECT_ERR(open("nosuch", O_RDONLY), ENOENT);
	EXPECT_ERR(open("nosuch", O_WRONLY), ENOENT);
	EXPECT_ERR(open("motd", O_WRONLY), EACCES); /* read-only initrd */
	EXPECT_ERR(unlink("nosuch"), ENOENT);
	EXPECT_ERR(unlink("motd"), EACCES);
	EXPECT_EQ(unlink("f1"), 0);
	EXPECT_ERR(unlink("f1"), ENOENT);
	EXPECT_PIPES_CLEAN();
}

/* ---- descriptors: dup, dup2, fd_attach, MSG_TO_FD ------------------------- */

UTEST(fd_bad_input)
{
	struct msg m;
	port_t rcv, once, set, k, p;
	int fd[2], n, fdk;
	pid_t pid;
	char c;

	pipe_baseline();
	/* dup and dup2, on any descriptor */
	EXPECT_EQ(sys_raw(SYS_dup, -1, 0, 0, 0, 0), -EBADF);
	EXPECT_EQ(sys_raw(SYS_dup, FDS, 0, 0, 0, 0), -EBADF);
	EXPECT_EQ(sys_raw(SYS_dup, 9, 0, 0, 0, 0), -EBADF); /* not open */
	EXPECT_EQ(sys_raw(SYS_dup2, 9, 1, 0, 0, 0), -EBADF);
	EXPECT_EQ(sys_raw(SYS_dup2, 1, FDS, 0, 0, 0), -EBADF);
	EXPECT_EQ(sys_raw(SYS_dup2, 1, -1, 0, 0, 0), -EBADF);
	EXPECT_EQ(dup2(1, 1), 1);
	n = dup(1); /* the console, like any file */
	EXPECT_EQ(n, 3);
	EXPECT_EQ(write(n, "", 0), 0);
	EXPECT_EQ(dup2(2, n), n); /* closes the first copy first */
	EXPECT_EQ(close(n), 0);
	EXPECT_EQ(sys_raw(SYS_close, n, 0, 0, 0, 0), -EBADF);

	/* fd_attach takes exactly a send right */
	rcv = port_allocate();
	once = port_make_send_once(rcv);
	set = port_set_allocate();
	EXPECT_EQ(sys_raw(SYS_fd_attach, BAD_NAME, 0, 0, 0, 0), -EINVAL);
	EXPECT_EQ(sys_raw(SYS_fd_attach, PORT_NULL, 0, 0, 0, 0), -EINVAL);
	EXPECT_EQ(sys_raw(SYS_fd_attach, rcv, 0, 0, 0, 0), -EBADRIGHT);
	EXPECT_EQ(sys_raw(SYS_fd_attach, once, 0, 0, 0, 0), -EBADRIGHT);
	EXPECT_EQ(sys_raw(SYS_fd_attach, set, 0, 0, 0, 0), -EBADRIGHT);
	port_deallocate(set);
	port_deallocate(once);
	port_deallocate(rcv);

	/* A dead name: a child's Kernel port, after the child is gone. */
	pid = fork();
	if (pid == 0) {
		sleep_ms(100);
		exit(0);
	}
	k = task_for_pid(pid);
	EXPECT(k > 0);
	waitpid(pid, NULL, 0);
	EXPECT_EQ(port_type(k), RIGHT_DEAD_NAME);
	EXPECT_EQ(sys_raw(SYS_fd_attach, k, 0, 0, 0, 0), -EDEADNAME);
	port_deallocate(k);

	/* A full table: EMFILE, and the right stays where it was. Then the
	 * right moves: the name keeps only the receive right. */
	p = port_allocate();
	port_make_send(p);
	for (n = 3; n < FDS; n++)
		dup(0);
	EXPECT_EQ(sys_raw(SYS_fd_attach, p, 0, 0, 0, 0), -EMFILE);
	EXPECT_EQ(port_type(p), RIGHT_RECEIVE | RIGHT_SEND);
	for (n = 3; n < FDS; n++)
		close(n);
	fdk = fd_attach(p);
	EXPECT_EQ(fdk, 3);
	EXPECT_EQ(port_type(p), RIGHT_RECEIVE);
	close(fdk);
	port_deallocate(p);

	/* MSG_TO_FD: a descriptor with a port behind it */
	msg_init(&m, -1, PIPE_READ, NULL, 0);
	EXPECT_EQ(raw_send(&m, MSG_TO_FD, 0), -EBADF);
	m.h.dest = FDS;
	EXPECT_EQ(raw_send(&m, MSG_TO_FD, 0), -EBADF);
	m.h.dest = 9; /* not open */
	EXPECT_EQ(raw_rpc(&m, &m, sizeof m, MSG_TO_FD, 0), -EBADF);
	msg_init(&m, 1, PIPE_READ, NULL, 0); /* the console: no port */
	EXPECT_EQ(raw_send(&m, MSG_TO_FD, 0), -EINVAL);
	EXPECT_EQ(pipe(fd), 0);
	msg_init(&m, fd[0], PIPE_READ, NULL, 0);
	EXPECT_EQ(raw_send(&m, MSG_TO_FD | MSG_TO_PID, 0), -EINVAL);

	/* read and write: the kernel says "ask the server" */
	EXPECT_EQ(sys_raw(SYS_read, fd[0], (long)&c, 1, 0, 0), -EREMOTE);
	EXPECT_EQ(sys_raw(SYS_write, fd[1], (long)&c, 1, 0, 0), -EREMOTE);
	EXPECT_EQ(sys_raw(SYS_read, fd[0], 0xC0000000, 1, 0, 0), -EFAULT);
	EXPECT_EQ(sys_raw(SYS_write, fd[1], 0xC0000000, 1, 0, 0), -EFAULT);
	EXPECT_EQ(read(fd[0], &c, 0), 0);
	close(fd[0]);
	close(fd[1]);

	/* A descriptor for a port that is not a pipe: our Kernel port. Its
	 * "server" (the kernel) answers a READ with ENOSYS. */
	fdk = fd_attach(task_for_pid(getpid()));
	EXPECT(fdk >= 3);
	errno = 0;
	EXPECT_EQ(read(fdk, &c, 1), -1);
	EXPECT_EQ(errno, ENOSYS);
	close(fdk);
	EXPECT_PIPES_CLEAN();
}

/* Requests the server must survive, each with an error answer, without
 * leaking a port; then it still works. */
UTEST(pipe_bad_messages)
{
	struct msg m;
	port_t p, r, w;
	int fd[2], rfd;
	char c;
	void *page;

	/* Out-of-line memory (which no request takes) is given back: send
	 * some once before the baseline (the first mapping makes a page
	 * table that stays), then again: the frames must come back. */
	for (int round = 0; round < 2; round++) {
		page = mmap(0, 4096, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		memset(page, 1, 4096);
		msg_init(&m, PORT_NULL, PIPE_STAT, NULL, 0);
		m.h.ool[m.h.nool++] = (struct msg_ool){(uint32_t)page, 4096, 0};
		EXPECT(service_rpc(&m) > 0);
		EXPECT_EQ(reply_result(&m, PIPE_STAT), 0);
		munmap(page, 4096);
		if (round == 0)
			pipe_baseline();
	}

	/* Unknown ids, and a READ on the service port */
	msg_init(&m, PORT_NULL, 12345, NULL, 0);
	EXPECT(service_rpc(&m) > 0);
	EXPECT_EQ(reply_result(&m, 12345), -ENOSYS);
	msg_init(&m, PORT_NULL, PIPE_READ, NULL, 0);
	EXPECT(service_rpc(&m) > 0);
	EXPECT_EQ(reply_result(&m, PIPE_READ), -ENOSYS);
	/* Malformed bodies */
	msg_init(&m, PORT_NULL, PIPE_CREATE, "x", 1);
	EXPECT(service_rpc(&m) > 0);
	EXPECT_EQ(reply_result(&m, PIPE_CREATE), -EINVAL);
	msg_init(&m, PORT_NULL, PIPE_MKFIFO, "ab", 2); /* shorter than arg */
	EXPECT(service_rpc(&m) > 0);
	EXPECT_EQ(reply_result(&m, PIPE_MKFIFO), -EINVAL);
	msg_init(&m, PORT_NULL, PIPE_MKFIFO, "\0\0\0\0abc", 7); /* no NUL */
	EXPECT(service_rpc(&m) > 0);
	EXPECT_EQ(reply_result(&m, PIPE_MKFIFO), -EINVAL);
	msg_init(&m, PORT_NULL, PIPE_MKFIFO, "\0\0\0\0a\tb", 8);
	EXPECT(service_rpc(&m) > 0);
	EXPECT_EQ(reply_result(&m, PIPE_MKFIFO), -EINVAL);
	msg_init(&m, PORT_NULL, PIPE_OPEN, "\x07\0\0\0zz", 7); /* no FIFO */
	EXPECT(service_rpc(&m) > 0);
	EXPECT_EQ(reply_result(&m, PIPE_OPEN), -ENOENT);

	/* Rights no request takes: a receive right (dies with the
	 * server's deallocation) and a send right to the server's own
	 * service port (dropped without harming the port). */
	p = port_allocate();
	msg_init(&m, PORT_NULL, PIPE_STAT, NULL, 0);
	msg_add_right(&m, p, MSG_MOVE_RECEIVE);
	msg_add_right(&m, pipe_service(), MSG_COPY_SEND);
	EXPECT(service_rpc(&m) > 0);
	EXPECT_EQ(reply_result(&m, PIPE_STAT), 0);
	/* No reply right: nobody to answer, nothing held. */
	msg_init(&m, pipe_service(), PIPE_STAT, NULL, 0);
	EXPECT_EQ(raw_send(&m, 0, 0), 0);
	/* A send right (not send-once) as the reply: one answer, then the
	 * server drops the right. */
	p = port_allocate();
	msg_init(&m, pipe_service(), PIPE_STAT, NULL, 0);
	m.h.reply = p;
	m.h.reply_disposition = MSG_MAKE_SEND;
	EXPECT_EQ(raw_send(&m, 0, 0), 0);
	EXPECT(recv_wait(p, &m) > 0);
	EXPECT_EQ(reply_result(&m, PIPE_STAT), -EINVAL);
	port_deallocate(p);

	/* On a pipe's ends, through MSG_TO_FD */
	EXPECT_EQ(pipe(fd), 0);
	msg_init(&m, fd[0], PIPE_READ, "ab", 2); /* max must be 4 bytes */
	EXPECT(raw_rpc(&m, &m, sizeof m, MSG_TO_FD, 0) > 0);
	EXPECT_EQ(reply_result(&m, PIPE_READ), -EINVAL);
	msg_init(&m, fd[0], PIPE_WRITE, "ab", 2);
	EXPECT(raw_rpc(&m, &m, sizeof m, MSG_TO_FD, 0) > 0);
	EXPECT_EQ(reply_result(&m, PIPE_WRITE), -EBADF); /* a read end */
	msg_init(&m, fd[1], PIPE_READ, "\1\0\0\0", 4);
	EXPECT(raw_rpc(&m, &m, sizeof m, MSG_TO_FD, 0) > 0);
	EXPECT_EQ(reply_result(&m, PIPE_READ), -EBADF); /* a write end */
	msg_init(&m, fd[1], PIPE_CREATE, NULL, 0);
	EXPECT(raw_rpc(&m, &m, sizeof m, MSG_TO_FD, 0) > 0);
	EXPECT_EQ(reply_result(&m, PIPE_CREATE), -ENOSYS);
	msg_init(&m, fd[0], PIPE_READ, "\0\0\0\0", 4); /* max 0: nothing */
	EXPECT(raw_rpc(&m, &m, sizeof m, MSG_TO_FD, 0) > 0);
	EXPECT_EQ(reply_result(&m, PIPE_READ), 0);
	EXPECT_EQ(write(fd[1], "ok", 2), 2); /* and it still works */
	EXPECT_EQ(read(fd[0], &c, 1), 1);
	EXPECT_EQ(c, 'o');
	close(fd[0]);
	close(fd[1]);

	/* A pipe made by hand: the rights come in our name space. Give the
	 * server a copy of its own read end's right: it must drop that copy
	 * (else the end would never close), so closing ours is still EOF
	 * for... rather, EPIPE for the writer. */
	msg_init(&m, PORT_NULL, PIPE_CREATE, NULL, 0);
	EXPECT(service_rpc(&m) > 0);
	EXPECT_EQ(reply_result(&m, PIPE_CREATE), 0);
	EXPECT_EQ(m.h.nrights, 2);
	r = m.h.rights[0].name;
	w = m.h.rights[1].name;
	msg_init(&m, PORT_NULL, PIPE_STAT, NULL, 0);
	msg_add_right(&m, r, MSG_COPY_SEND);
	EXPECT(service_rpc(&m) > 0);
	rfd = fd_attach(r);
	EXPECT(rfd >= 3);
	EXPECT_EQ(port_type(r), -1); /* the name went with the right */
	fd[1] = fd_attach(w);
	EXPECT(fd[1] >= 3);
	close(rfd);
	errno = 0;
	EXPECT_EQ(write(fd[1], "x", 1), -1);
	EXPECT_EQ(errno, EPIPE);
	close(fd[1]);
	EXPECT_PIPES_CLEAN();
}

/* A server that dies while a reader waits: the read fails instead of
 * hanging, and so does a later write. A private server (pipeserv -p,
 * reached by pid) so that the system's keeps running. */
UTEST(pipe_server_killed)
{
	char *argv[] = {"pipeserv", "-p", NULL};
	struct msg m;
	pid_t srv, pid;
	int rfd, wfd;

	pipe_baseline();
	srv = spawn("pipeserv", argv);
	EXPECT(srv > 0);
	msg_init(&m, srv, PIPE_CREATE, NULL, 0);
	EXPECT(raw_rpc(&m, &m, sizeof m, MSG_TO_PID | MSG_TIMEOUT, IPC_WAIT) >
	       0);
	EXPECT_EQ(reply_result(&m, PIPE_CREATE), 0);
	EXPECT_EQ(m.h.nrights, 2);
	rfd = fd_attach(m.h.rights[0].name);
	wfd = fd_attach(m.h.rights[1].name);
	EXPECT(rfd >= 3 && wfd >= 3);
	EXPECT_EQ(write(wfd, "a", 1), 1);
	pid = ipc_fork();
	if (pid == 0) {
		char c;

		close(wfd);
		EXPECT_EQ(read(rfd, &c, 1), 1);
		errno = 0;
		EXPECT_EQ(read(rfd, &c, 1), -1); /* waits; the server dies */
		EXPECT_EQ(errno, EDEADNAME);
		child_done();
	}
	EXPECT(wait_server(srv, 1, 0)); /* in its second read */
	EXPECT_EQ(kill(srv), 0);
	EXPECT_EQ(waitpid(srv, NULL, 0), srv);
	EXPECT_CHILD_OK(pid);
	errno = 0;
	EXPECT_EQ(write(wfd, "b", 1), -1);
	EXPECT_EQ(errno, EDEADNAME);
	close(rfd);
	close(wfd);
	EXPECT_PIPES_CLEAN();
}

/* The pid of the task called name whose parent is ppid, or -1. */
static pid_t find_task(const char *name, pid_t ppid)
{
	static struct mica_task_info info[64];
	int n = ps_snapshot(info, 64);

	for (int i = 0; i < n; i++)
		if (info[i].ppid == ppid && strcmp(info[i].name, name) == 0)
			return info[i].pid;
	return -1;
}

/*
 * The system's pipe server dies and a new one takes its place: clients
 * that still hold a send right to the old one's service port (libc keeps
 * one) find the new one through the name server, and go on.
 */
UTEST(pipe_server_restart)
{
	char *argv[] = {"pipeserv", NULL};
	int fd[2], ms;
	char c;
	pid_t old, srv;

	pipe_baseline();
	old = find_task("pipeserv", 1);
	EXPECT(old > 0);
	EXPECT_EQ(kill(old), 0); /* init reaps it */
	for (ms = 0; ms < WAIT_MS && ns_lookup(PIPE_SERVICE) >= 0; ms += 10)
		sleep_ms(10); /* until the name server has forgotten it */
	EXPECT_EQ(errno, ENOENT);
	EXPECT_EQ(port_type(service), RIGHT_DEAD_NAME);
	service = PORT_NULL; /* the name is libc's too: it drops it */
	srv = spawn("pipeserv", argv);
	EXPECT(srv > 0);
	EXPECT_EQ(pipe(fd), 0); /* libc's right is dead: it looks again */
	EXPECT_EQ(write(fd[1], "r", 1), 1);
	EXPECT_EQ(read(fd[0], &c, 1), 1);
	EXPECT_EQ(c, 'r');
	close(fd[0]);
	close(fd[1]);
	EXPECT_PIPES_CLEAN(); /* the new server costs what the old one did */
}

/* ---- the shell ----------------------------------------------------------- */

/* sh with its standard input and output on pipes: a 3-stage pipeline's
 * output, and a pipeline's exit status. */
UTEST(pipe_shell_pipeline)
{
	static const char script[] = "echo a b c | cat | cat\n"
				     "ls | cat | cat | cat\n"
				     "echo x|nosuch\n"
				     "exit 3\n";
	char *argv[] = {"sh", NULL};
	static char out[4096];
	int in[2], res[2], saved0, saved1, status;
	pid_t pid;

	pipe_baseline();
	EXPECT_EQ(pipe(in), 0);
	EXPECT_EQ(pipe(res), 0);
	saved0 = dup(STDIN_FILENO);
	saved1 = dup(STDOUT_FILENO);
	dup2(in[0], STDIN_FILENO);
	dup2(res[1], STDOUT_FILENO);
	pid = spawn("sh", argv);
	dup2(saved0, STDIN_FILENO);
	dup2(saved1, STDOUT_FILENO);
	close(saved0);
	close(saved1);
	close(in[0]);
	close(res[1]);
	EXPECT_EQ(write(in[1], script, sizeof script - 1),
		  (long)sizeof script - 1);
	close(in[1]);
	memset(out, 0, sizeof out);
	EXPECT(read_all(res[0], out, sizeof out - 1) > 0);
	close(res[0]);
	EXPECT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 3);
	/* the shell echoes each line it reads, then the output follows */
	EXPECT(has(out, "echo a b c | cat | cat\na b c\nmica$ "));
	EXPECT(has(out, "\nmotd ") && has(out, " 111\n"));
	EXPECT(has(out, "\nunix-pipe "));
	if (failures)
		printf("utest: %s: output was:\n%s\n", test_name, out);
	EXPECT_PIPES_CLEAN();
}
