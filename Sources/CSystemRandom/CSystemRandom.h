// The kernel's random bytes (getrandom), which the Glibc module leaves out.
#if __has_include(<sys/random.h>)
#include <sys/random.h>
#endif
