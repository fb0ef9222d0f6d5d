/* pic.h - the two 8259A programmable interrupt controllers. */
#ifndef MICA_X86_PIC_H
#define MICA_X86_PIC_H

#include <stdbool.h>

void pic_init(void);
void pic_unmask(int irq);
void pic_mask(int irq);
void pic_eoi(int irq);
bool pic_is_spurious(int irq);

#endif
