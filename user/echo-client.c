/*
 * echo-client [N] [text] - find the echo server by name and make N
 * round trips to it with msg_rpc (default 1, "hello"), checking that
 * each answer is the request's copy.
 *
 * If the server is not registered, or dies while we talk to it, we say
 * so and exit with status 2: msg_rpc fails with EDEADNAME rather than
 * waiting for an answer that cannot come.
 */
#include <errno.h>
#include <ns.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ECHO_ID	    1
#define FIND_WAIT   1000 /* ms: the server may be starting (`echo-server &`) */
#define SHOW_MAX    5	 /* print this many answers, then only the total */
#define ANSWER_WAIT 5000 /* ms: far longer than an echo takes */

static struct msg m, r;

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1;
	const char *text = argc > 2 ? argv[2] : "hello";
	unsigned len = strlen(text) + 1;
	port_t echo;

	if (n <= 0 || len > MSG_BODY_MAX) {
		printf("usage: echo-client [N > 0] [text]\n");
		return 1;
	}
	echo = ns_lookup_wait("echo", FIND_WAIT);
	if (echo < 0) {
		printf("echo-client: no echo server (errno %d%s)\n", errno,
		       errno == ETIMEDOUT   ? ": start echo-server &"
		       : errno == EDEADNAME ? ": no name server"
					    : "");
		return 2;
	}
	for (int i = 1; i <= n; i++) {
		msg_init(&m, echo, ECHO_ID, text, len);
		if (msg_rpc(&m, &r, sizeof r, MSG_TIMEOUT, ANSWER_WAIT) < 0) {
			printf("echo-client: request %d: %s (errno %d)\n", i,
			       errno == EDEADNAME   ? "the echo server is gone"
			       : errno == ETIMEDOUT ? "no answer"
						    : "rpc failed",
			       errno);
			return 2;
		}
		if (r.h.id != ECHO_ID || msg_body_len(&r) != len ||
		    memcmp(r.body, text, len) != 0) {
			printf("echo-client: answer %d is not the request's "
			       "copy\n",
			       i);
			return 1;
		}
		if (i <= SHOW_MAX)
			printf("echo-client: answer %d: %s\n", i,
			       (const char *)r.body);
	}
	printf("echo-client: %d round trips, every answer matched\n", n);
	port_deallocate(echo);
	return 0;
}
