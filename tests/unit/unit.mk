UNIT_SRCS_test_printk := kernel/lib/printk.c
UNIT_SRCS_test_cmdline := kernel/lib/cmdline.c
UNIT_SRCS_test_list :=
UNIT_SRCS_test_frame := kernel/mm/frame.c
UNIT_SRCS_test_kmalloc := kernel/mm/kmalloc.c
UNIT_SRCS_test_initrd := kernel/initrd.c kernel/lib/crc32.c
UNIT_SRCS_test_elf := kernel/elf.c
