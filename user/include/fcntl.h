/* fcntl.h - open() and its flags. mica's initrd is read-only; a FIFO
 * (mkfifo) opens with O_RDONLY or O_WRONLY. */
#ifndef _FCNTL_H
#define _FCNTL_H

#include <mica/syscall.h> /* O_RDONLY */

int open(const char *path, int flags);

#endif
