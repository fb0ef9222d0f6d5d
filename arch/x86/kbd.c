/*
 * kbd.c - the PS/2 keyboard on IRQ 1. Scancode set 1, US layout: each key
 * press sends its code, each release the same code with bit 7 set.
 */
#include <stdbool.h>
#include <stdint.h>

#include "x86/devices.h"
#include "x86/io.h"
#include "x86/trap.h"
#include "console.h"

#define KBD_DATA   0x60
#define KBD_STATUS 0x64
#define SC_RELEASE 0x80
#define SC_LSHIFT  0x2A
#define SC_RSHIFT  0x36
#define SC_CTRL	   0x1D
#define SC_CAPS	   0x3A

static const char keymap[128] = {
    0,	 27,  '1',  '2',  '3',	'4', '5', '6',	'7', '8', '9', '0',
    '-', '=', '\b', '\t', 'q',	'w', 'e', 'r',	't', 'y', 'u', 'i',
    'o', 'p', '[',  ']',  '\n', 0,   'a', 's',	'd', 'f', 'g', 'h',
    'j', 'k', 'l',  ';',  '\'', '`', 0,	  '\\', 'z', 'x', 'c', 'v',
    'b', 'n', 'm',  ',',  '.',	'/', 0,	  '*',	0,   ' ',
};

static const char keymap_shift[128] = {
    0,	 27,  '!',  '@',  '#',	'$', '%', '^', '&', '*', '(', ')',
    '_', '+', '\b', '\t', 'Q',	'W', 'E', 'R', 'T', 'Y', 'U', 'I',
    'O', 'P', '{',  '}',  '\n', 0,   'A', 'S', 'D', 'F', 'G', 'H',
    'J', 'K', 'L',  ':',  '"',	'~', 0,	  '|', 'Z', 'X', 'C', 'V',
    'B', 'N', 'M',  '<',  '>',	'?', 0,	  '*', 0,   ' ',
};

static bool shift, ctrl, caps;

static char translate(uint8_t sc)
{
	char c = shift ? keymap_shift[sc] : keymap[sc];

	if (caps && c >= 'a' && c <= 'z')
		c -= 'a' - 'A';
	else if (caps && c >= 'A' && c <= 'Z')
		c += 'a' - 'A';
	if (ctrl && c >= 'a' && c <= 'z')
		c = c - 'a' + 1; /* Ctrl-C is 3, as on a terminal */
	return c;
}

static void kbd_irq(struct trap_frame *tf)
{
	uint8_t sc = inb(KBD_DATA);
	bool released = sc & SC_RELEASE;
	char c;

	(void)tf;
	sc &= ~SC_RELEASE;
	if (sc == SC_LSHIFT || sc == SC_RSHIFT) {
		shift = !released;
	} else if (sc == SC_CTRL) {
		ctrl = !released;
	} else if (!released && sc == SC_CAPS) {
		caps = !caps;
	} else if (!released) {
		c = translate(sc);
		if (c)
			console_input(c);
	}
}

void kbd_init(void)
{
	while (inb(KBD_STATUS) & 1) /* drop keys pressed during boot */
		inb(KBD_DATA);
	irq_register(1, kbd_irq);
}
