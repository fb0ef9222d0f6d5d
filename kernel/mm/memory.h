/* memory.h - bring up physical memory, paging, the heap and kernel stacks. */
#ifndef MICA_MM_MEMORY_H
#define MICA_MM_MEMORY_H

#include <stddef.h>

void mm_init(void);

/* Counters for leak checks: tests compare them with a baseline. */
struct mem_usage {
	size_t free_frames;
	size_t heap_bytes;
	unsigned kstacks;
};

void mem_usage(struct mem_usage *u);

#endif
