/*
 * nslist - the names registered with the name server, one a line.
 */
#include <errno.h>
#include <ns.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
	static char names[NS_NAMES_MAX * NS_NAME_MAX];
	int n = ns_list(names, sizeof names);
	const char *s = names;

	if (n < 0) {
		printf("nslist: cannot reach the name server (errno %d)\n",
		       errno);
		return 1;
	}
	for (int i = 0; i < n && *s; i++, s += strlen(s) + 1)
		printf("%s\n", s);
	printf("nslist: %d name%s\n", n, n == 1 ? "" : "s");
	return 0;
}
