/* SPDX-License-Identifier: MIT */
/* The modules of a static lighttpd (BUILD_STATIC, its INSTALL file's
 * "static build": one PLUGIN_INIT per module), which src/plugin.c
 * includes. A Toro image has no dlopen, so the modules lighttpd.conf
 * loads are these. */
PLUGIN_INIT(mod_access)
PLUGIN_INIT(mod_accesslog)
PLUGIN_INIT(mod_alias)
PLUGIN_INIT(mod_dirlisting)
PLUGIN_INIT(mod_expire)
PLUGIN_INIT(mod_indexfile)
PLUGIN_INIT(mod_redirect)
PLUGIN_INIT(mod_setenv)
PLUGIN_INIT(mod_staticfile)
PLUGIN_INIT(mod_status)
