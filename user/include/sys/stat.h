/* sys/stat.h - for programs written for POSIX: mica keeps shm_open, mmap
 * and their constants in sys/mman.h. */
#ifndef _SYS_STAT_H
#define _SYS_STAT_H

#include <sys/mman.h>

#endif
