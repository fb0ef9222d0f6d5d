/*
 * shm.h - named shared-memory objects (POSIX shm_open's shape).
 *
 * The textbook's shared-memory model: a producer and a consumer map the
 * same object, and a byte written by one is a byte the other reads, with
 * no kernel in between. An object is a name, a size and an array of
 * frames. It is found by name until shm_unlink; it lives while its name
 * or an open descriptor holds it; its frames live on while any address
 * space maps them (each mapped page holds a frame reference), so
 * unlinking or closing an object in use is always safe.
 */
#ifndef MICA_MM_SHM_H
#define MICA_MM_SHM_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/list.h"
#include "mm/page.h"
#include <mica/syscall.h>

#define SHM_SIZE_MAX	(16u << 20) /* bytes one object may hold */
#define SHM_OBJECTS_MAX 256	    /* objects alive at once */

struct shm_object {
	struct list_head link; /* in the list of named objects, while linked */
	char name[SHM_NAME_MAX];
	bool linked;	    /* findable by name (not yet unlinked) */
	unsigned refs;	    /* the name, and open descriptors */
	uint32_t size;	    /* bytes, as ftruncate set it */
	unsigned npages;    /* pages[] entries in use */
	phys_addr_t *pages; /* one frame reference each */
};

extern unsigned shm_nr_objects; /* for memstat and leak tests */

void shm_put(struct shm_object *obj); /* drop a reference */

long sys_shm_open_k(const char *uname, int oflag, int mode);
long sys_shm_unlink_k(const char *uname);
long sys_ftruncate_k(int fd, uint32_t size);

#endif
