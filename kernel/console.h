/* console.h - the kernel console: output to serial and VGA, queued input. */
#ifndef MICA_CONSOLE_H
#define MICA_CONSOLE_H

#include <stddef.h>

void console_init(void);
void console_write(const char *s, size_t n);
void console_input(char c);
int console_getc_nonblock(void);
int console_getc(void);

#define CONSOLE_INPUT_SIZE 256

#endif
