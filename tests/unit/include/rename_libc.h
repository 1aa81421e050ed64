/* SPDX-License-Identifier: MIT */
/*
 * Force-included when building Toro's own C library files for the host
 * unit tests: every function gets a toro_ name, so the binary can hold both
 * ours and glibc's and compare them.
 */
/* glibc must not turn the ctype names into macros of its own. */
#define __NO_CTYPE 1

#define memcpy toro_memcpy
#define mempcpy toro_mempcpy
#define memmove toro_memmove
#define memset toro_memset
#define memcmp toro_memcmp
#define bcmp toro_bcmp
#define memchr toro_memchr
#define memrchr toro_memrchr
#define memmem toro_memmem
#define strlen toro_strlen
#define strnlen toro_strnlen
#define strcmp toro_strcmp
#define strncmp toro_strncmp
#define strcoll toro_strcoll
#define strxfrm toro_strxfrm
#define strcpy toro_strcpy
#define stpcpy toro_stpcpy
#define strncpy toro_strncpy
#define stpncpy toro_stpncpy
#define strlcpy toro_strlcpy
#define strlcat toro_strlcat
#define strcat toro_strcat
#define strncat toro_strncat
#define strchr toro_strchr
#define strchrnul toro_strchrnul
#define strrchr toro_strrchr
#define strstr toro_strstr
#define strspn toro_strspn
#define strcspn toro_strcspn
#define strpbrk toro_strpbrk
#define strtok toro_strtok
#define strtok_r toro_strtok_r
#define strsep toro_strsep
#define strcasecmp toro_strcasecmp
#define strncasecmp toro_strncasecmp
#define isalnum toro_isalnum
#define isalpha toro_isalpha
#define isascii toro_isascii
#define isblank toro_isblank
#define iscntrl toro_iscntrl
#define isdigit toro_isdigit
#define isgraph toro_isgraph
#define islower toro_islower
#define isprint toro_isprint
#define ispunct toro_ispunct
#define isspace toro_isspace
#define isupper toro_isupper
#define isxdigit toro_isxdigit
#define tolower toro_tolower
#define toupper toro_toupper
#define toascii toro_toascii
#define qsort toro_qsort
#define qsort_r toro_qsort_r
#define bsearch toro_bsearch
#define rand toro_rand
#define srand toro_srand
#define rand_r toro_rand_r
