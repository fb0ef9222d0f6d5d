/*
 * serial.c - the 16550 UART on COM1: mica's main console.
 *
 * Output is polled (wait until the transmitter is empty, then write a
 * byte), which works even in a panic with interrupts off. Input raises
 * IRQ 4 and is handed to the console's input queue.
 */
#include "x86/devices.h"
#include "x86/io.h"
#include "x86/trap.h"
#include "console.h"

#define COM1	  0x3F8
#define UART_DATA 0 /* receive / transmit buffer */
#define UART_IER  1 /* interrupt enable */
#define UART_FCR  2 /* FIFO control */
#define UART_LCR  3 /* line control */
#define UART_MCR  4 /* modem control */
#define UART_LSR  5 /* line status */
#define UART_DLL  0 /* divisor low byte (when LCR.DLAB = 1) */
#define UART_DLM  1 /* divisor high byte (when LCR.DLAB = 1) */

#define LCR_8N1	       0x03
#define LCR_DLAB       0x80
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY  0x20
#define IER_RX	       0x01
#define MCR_DTR_RTS    0x03
#define MCR_OUT2       0x08 /* gates the UART's interrupt line to the PIC */

void serial_init(void)
{
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, LCR_DLAB);
	outb(COM1 + UART_DLL, 1); /* 115200 / 1 = 115200 baud */
	outb(COM1 + UART_DLM, 0);
	outb(COM1 + UART_LCR, LCR_8N1);
	outb(COM1 + UART_FCR, 0xC7); /* enable and clear FIFOs */
	outb(COM1 + UART_MCR, MCR_DTR_RTS);
}

void serial_putc(char c)
{
	while (!(inb(COM1 + UART_LSR) & LSR_THR_EMPTY))
		;
	outb(COM1 + UART_DATA, c);
}

static void serial_irq(struct trap_frame *tf)
{
	(void)tf;
	while (inb(COM1 + UART_LSR) & LSR_DATA_READY)
		console_input(inb(COM1 + UART_DATA));
}

void serial_enable_input(void)
{
	irq_register(4, serial_irq);
	outb(COM1 + UART_MCR, MCR_DTR_RTS | MCR_OUT2);
	outb(COM1 + UART_IER, IER_RX);
}
