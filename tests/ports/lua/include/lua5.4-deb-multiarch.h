/* SPDX-License-Identifier: MIT */
/* What Debian's build of Lua 5.4 generates (debian/rules) for luaconf.h:
 * the multiarch triplet in the default C module path. A Toro image loads
 * no C modules, so it only has to be a name. */
#define DEB_HOST_MULTIARCH "x86_64-linux-musl"
