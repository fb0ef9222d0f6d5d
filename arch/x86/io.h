/* io.h - x86 port I/O and a few single-instruction CPU helpers. */
#ifndef MICA_X86_IO_H
#define MICA_X86_IO_H

#include <stdint.h>

static inline void outb(uint16_t port, uint8_t v)
{
	asm volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outw(uint16_t port, uint16_t v)
{
	asm volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
	asm volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

/* A write to an unused port takes about 1 us: old chips need the pause. */
static inline void io_wait(void)
{
	outb(0x80, 0);
}

static inline void cli(void)
{
	asm volatile("cli" ::: "memory");
}

static inline void sti(void)
{
	asm volatile("sti" ::: "memory");
}

/*
 * sti takes effect after the next instruction, so "sti; hlt" cannot lose
 * an interrupt that arrives between the two: the CPU sleeps first, and the
 * interrupt then wakes it.
 */
static inline void sti_hlt(void)
{
	asm volatile("sti; hlt" ::: "memory");
}

static inline void hlt(void)
{
	asm volatile("hlt" ::: "memory");
}

static inline uint32_t read_eflags(void)
{
	uint32_t f;

	asm volatile("pushfl; popl %0" : "=r"(f));
	return f;
}

#define EFLAGS_IF 0x200 /* interrupts enabled */

/* Disable interrupts and return whether they were on, for irq_restore. */
static inline uint32_t irq_save(void)
{
	uint32_t f = read_eflags();

	cli();
	return f & EFLAGS_IF;
}

static inline void irq_restore(uint32_t was_on)
{
	if (was_on)
		sti();
}

static inline uint32_t read_cr0(void)
{
	uint32_t v;

	asm volatile("movl %%cr0, %0" : "=r"(v));
	return v;
}

static inline uint32_t read_cr2(void)
{
	uint32_t v;

	asm volatile("movl %%cr2, %0" : "=r"(v));
	return v;
}

static inline uint32_t read_cr3(void)
{
	uint32_t v;

	asm volatile("movl %%cr3, %0" : "=r"(v));
	return v;
}

static inline void write_cr3(uint32_t v)
{
	asm volatile("movl %0, %%cr3" : : "r"(v) : "memory");
}

static inline uint32_t read_cr4(void)
{
	uint32_t v;

	asm volatile("movl %%cr4, %0" : "=r"(v));
	return v;
}

static inline void write_cr4(uint32_t v)
{
	asm volatile("movl %0, %%cr4" : : "r"(v) : "memory");
}

static inline void invlpg(uintptr_t va)
{
	asm volatile("invlpg (%0)" : : "r"(va) : "memory");
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

#endif
