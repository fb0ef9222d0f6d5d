/*
 * vga.c - the 80x25 VGA text console, a mirror of the serial console for
 * `make run GUI=1`. Each cell of the buffer at physical 0xB8000 is a
 * character byte and a colour byte.
 */
#include <stdint.h>

#include "x86/devices.h"
#include "x86/io.h"
#include "x86/mmu.h"

#define VGA_COLS   80
#define VGA_ROWS   25
#define VGA_ATTR   0x07 /* light grey on black */
#define CRTC_INDEX 0x3D4
#define CRTC_DATA  0x3D5

static volatile uint16_t *const vga_buf = phys_to_virt(0xB8000);
static int vga_row, vga_col;

static void vga_move_cursor(void)
{
	uint16_t pos = vga_row * VGA_COLS + vga_col;

	outb(CRTC_INDEX, 0x0F);
	outb(CRTC_DATA, pos & 0xFF);
	outb(CRTC_INDEX, 0x0E);
	outb(CRTC_DATA, pos >> 8);
}

static void vga_scroll(void)
{
	for (int i = 0; i < (VGA_ROWS - 1) * VGA_COLS; i++)
		vga_buf[i] = vga_buf[i + VGA_COLS];
	for (int i = 0; i < VGA_COLS; i++)
		vga_buf[(VGA_ROWS - 1) * VGA_COLS + i] = VGA_ATTR << 8 | ' ';
	vga_row = VGA_ROWS - 1;
}

void vga_init(void)
{
	for (int i = 0; i < VGA_ROWS * VGA_COLS; i++)
		vga_buf[i] = VGA_ATTR << 8 | ' ';
	vga_row = vga_col = 0;
	vga_move_cursor();
}

void vga_putc(char c)
{
	switch (c) {
	case '\n':
		vga_col = 0;
		vga_row++;
		break;
	case '\r':
		vga_col = 0;
		break;
	case '\b':
		if (vga_col > 0)
			vga_col--;
		break;
	case '\t':
		vga_col = (vga_col + 8) & ~7;
		break;
	default:
		vga_buf[vga_row * VGA_COLS + vga_col] =
		    VGA_ATTR << 8 | (uint8_t)c;
		vga_col++;
	}
	if (vga_col >= VGA_COLS) {
		vga_col = 0;
		vga_row++;
	}
	if (vga_row >= VGA_ROWS)
		vga_scroll();
	vga_move_cursor();
}
