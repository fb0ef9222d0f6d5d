/*
 * utest.h - the usertests harness (harness.c), shared by usertests.c and
 * the test files in user/tests/.
 *
 * A test is a function that runs checks; EXPECT and EXPECT_EQ count
 * failures (and print the line) without stopping the test. A new file in
 * user/tests/ registers its tests with UTEST(name): usertests runs them
 * after its own table, and `usertests list` shows them.
 *
 *     UTEST(pipe_eof)
 *     {
 *             take_baseline();
 *             ...
 *             EXPECT_NO_LEAK();
 *     }
 */
#ifndef UTEST_H
#define UTEST_H

#include <errno.h>
#include <fcntl.h>
#include <ipc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <mica/syscall.h>

struct utest {
	const char *name;
	void (*fn)(void);
};

/* Put a test in the "utests" section, which usertests walks. */
#define UTEST(fn_name)                                                         \
	static void fn_name(void);                                             \
	static const struct utest utest_##fn_name                              \
	    __attribute__((used, section("utests"), aligned(4))) = {#fn_name,  \
								    fn_name};  \
	static void fn_name(void)

extern const char *test_name; /* the test running now */
extern int failures;	      /* its failed checks so far */
extern struct mica_memstat baseline;

#define EXPECT(cond)                                                           \
	do {                                                                   \
		if (!(cond))                                                   \
			fail(__LINE__, #cond);                                 \
	} while (0)

#define EXPECT_EQ(a, b)                                                        \
	do {                                                                   \
		long ut_a_ = (long)(a), ut_b_ = (long)(b);                     \
		if (ut_a_ != ut_b_)                                            \
			fail_eq(__LINE__, #a, ut_a_, ut_b_);                   \
	} while (0)

#define EXPECT_NO_LEAK() expect_no_leak(__LINE__)

#define ST_WAITING 3

#define ST_TERMINATED 4

#define IPC_WAIT 5000 /* ms: far longer than any step should take */

#define BAD_NAME 9999 /* a name no task holds */

#define NO_PID 30000 /* a pid no task has */

#define EXPECT_IPC_NO_LEAK() expect_ipc_no_leak(__LINE__)

#define EXPECT_CHILD_OK(pid) expect_child_ok((pid), __LINE__)

void fail(int line, const char *what);
void fail_eq(int line, const char *what, long got, long want);
void take_baseline(void);
void expect_no_leak(int line);
int in_child(void (*fn)(void));
int task_state(pid_t pid, int *ppid);
long raw_send(const struct msg *m, unsigned options, unsigned timeout);
long raw_recv(port_t name, struct msg *buf, unsigned size, unsigned options,
	      unsigned timeout);
long raw_rpc(struct msg *m, struct msg *reply, unsigned size, unsigned options,
	     unsigned timeout);
long recv_wait(port_t name, struct msg *buf);
long send_int(port_t dest, int id, int value, unsigned options);
int body_int(const struct msg *m);
int kernel_op(port_t kport, int op);
int kernel_task_info(port_t kport, struct mica_task_info *info);
void ipc_baseline(void);
void expect_ipc_no_leak(int line);
long queued_now(void);
pid_t ipc_fork(void);
void child_done(void);
void expect_child_ok(pid_t pid, int line);
long task_ticks(pid_t pid);
void spin_forever(void);

#endif
