#!/bin/sh
# deps.sh - check for, or install, the Debian packages mica needs.
#
#   tools/deps.sh check     exit 1 (and say what is missing) if anything is
#   tools/deps.sh install   apt-get install whatever is missing (as root),
#                           or print the exact command to run (not root)
#
# Each line: a command (or file) that proves the package is there, and the
# package. `make run` and `make test` call `check`, then `install` if needed.
set -u
mode=${1:-check}

PROBES="
qemu-system-i386 qemu-system-x86
grub-mkrescue grub-common
/usr/lib/grub/i386-pc/boot.img grub-pc-bin
xorriso xorriso
mformat mtools
gdb gdb
python3 python3
gcc gcc
make make
clang clang
"

missing=""
check_one() {
	case "$1" in
	/*) [ -e "$1" ] ;;
	*) command -v "$1" >/dev/null 2>&1 ;;
	esac
}

# Walk the probe list two words at a time.
set -- $PROBES
while [ $# -ge 2 ]; do
	check_one "$1" || missing="$missing $2"
	shift 2
done
# gcc's 32-bit support (gcc-multilib) has no command of its own.
if ! echo 'int main(void){return 0;}' |
	gcc -m32 -x c - -o /tmp/mica-m32-probe >/dev/null 2>&1; then
	missing="$missing gcc-multilib"
fi
rm -f /tmp/mica-m32-probe

if [ -z "$missing" ]; then
	[ "$mode" = install ] && echo "deps: everything mica needs is installed."
	exit 0
fi

case "$mode" in
check)
	echo "deps: missing Debian packages:$missing"
	exit 1
	;;
install)
	if [ "$(id -u)" -ne 0 ]; then
		echo "deps: missing packages:$missing"
		echo "deps: run this as root, then try again:"
		echo "  apt-get update && apt-get install -y$missing"
		exit 1
	fi
	echo "deps: installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq &&
		apt-get install -y -qq --no-install-recommends $missing
	;;
*)
	echo "usage: $0 check|install" >&2
	exit 2
	;;
esac
