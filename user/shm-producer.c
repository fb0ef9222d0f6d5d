/*
 * shm-producer - the textbook's POSIX shared-memory producer ("IPC POSIX
 * Producer", chapter 3), as written. It creates the object "OS", sets its
 * size, maps it and writes "Hello" then "World!" into it, then exits: the
 * object outlives it until shm-consumer unlinks it (docs/shm.md).
 *
 *     mica$ shm-producer
 *     mica$ shm-consumer
 *     HelloWorld!
 *
 * Where mica differs from the book: nothing in the code. The book's two
 * headers <sys/shm.h> and <sys/stat.h> are where Linux keeps System V
 * shared memory and file modes; mmap and shm_open really live in
 * <sys/mman.h>, which mica's <sys/shm.h> includes, so the book's list of
 * headers works unchanged. The mode 0666 is accepted and ignored (mica
 * has no users). `ptr += ...` on a void pointer is a GNU C extension, as
 * in the book. Like the book, it checks no errors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/shm.h>
#include <sys/stat.h>

int main()
{
	/* the size (in bytes) of shared memory object */
	const int SIZE = 4096;
	/* name of the shared memory object */
	const char *name = "OS";
	/* strings written to shared memory */
	const char *message_0 = "Hello";
	const char *message_1 = "World!";

	/* shared memory file descriptor */
	int shm_fd;
	/* pointer to shared memory object */
	void *ptr;

	/* create the shared memory object */
	shm_fd = shm_open(name, O_CREAT | O_RDWR, 0666);

	/* configure the size of the shared memory object */
	ftruncate(shm_fd, SIZE);

	/* memory map the shared memory object */
	ptr = mmap(0, SIZE, PROT_WRITE, MAP_SHARED, shm_fd, 0);

	/* write to the shared memory object */
	sprintf(ptr, "%s", message_0);
	ptr += strlen(message_0);
	sprintf(ptr, "%s", message_1);
	ptr += strlen(message_1);

	return 0;
}
