/*
 * console.c - where printk's text goes, and where typed characters wait.
 *
 * Output goes to the serial line (the terminal of `make run`) and to the
 * VGA screen (the window of `make run GUI=1`), so both show the same text.
 *
 * Input arrives in interrupt handlers (serial IRQ 4, keyboard IRQ 1) and is
 * queued in a ring buffer until someone reads it. The interrupt handler is
 * the only writer and the reader runs with interrupts off while it takes a
 * character, so the two never race.
 */
#include "console.h"
#include "x86/devices.h"
#include "x86/io.h"
#include "wait.h"

static char input_buf[CONSOLE_INPUT_SIZE];
static unsigned input_head, input_tail; /* free-running; head - tail = used */
static struct wait_queue input_wait = WAIT_QUEUE_INIT(input_wait, "console");

void console_init(void)
{
	serial_init();
	vga_init();
}

static void console_putc(char c)
{
	if (c == '\n')
		serial_putc('\r'); /* terminals want CR LF */
	serial_putc(c);
	vga_putc(c);
}

void console_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		console_putc(s[i]);
}

/* Called from interrupt handlers with one typed character. */
void console_input(char c)
{
	if (c == '\r')
		c = '\n'; /* Enter on a serial terminal sends CR */
	else if (c == 0x7F)
		c = '\b'; /* and Backspace sends DEL */
	if (input_head - input_tail == CONSOLE_INPUT_SIZE)
		return; /* full: drop, as a real terminal would */
	input_buf[input_head++ % CONSOLE_INPUT_SIZE] = c;
	wake_up_one(&input_wait, 0);
}

/* The next typed character, or -1 if none is waiting. */
int console_getc_nonblock(void)
{
	uint32_t flags = irq_save();
	int c = -1;

	if (input_head != input_tail)
		c = (unsigned char)input_buf[input_tail++ % CONSOLE_INPUT_SIZE];
	irq_restore(flags);
	return c;
}

/* The next typed character, sleeping on the console wait queue until one
 * arrives; or -EINTR if the task is killed while it waits. */
int console_getc(void)
{
	uint32_t flags = irq_save();
	int c;

	while ((c = console_getc_nonblock()) < 0) {
		int err = sleep_on(&input_wait);

		if (err < 0) {
			c = err; /* -EINTR: the task was killed while waiting */
			break;
		}
	}
	irq_restore(flags);
	return c;
}
