/* sys/shm.h - for programs written for POSIX: mica keeps shm_open, mmap
 * and their constants in sys/mman.h. */
#ifndef _SYS_SHM_H
#define _SYS_SHM_H

#include <sys/mman.h>

#endif
