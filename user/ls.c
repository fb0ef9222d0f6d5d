/* ls - list the files of the initrd with their sizes. */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	struct mica_dirent d;
	unsigned i;

	for (i = 0; readdir(i, &d) == 1; i++)
		/* %.*s: a name that fills the array has no NUL */
		printf("%-20.*s %8u\n", MICA_NAME_MAX, d.name, d.size);
	return 0;
}
