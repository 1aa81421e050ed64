// SPDX-License-Identifier: MIT
/* The database files' parsers, each over a file this program writes:
 * <pwd.h> (fgetpwent, putpwent), <grp.h> (fgetgrent, putgrent),
 * <shadow.h> (fgetspent, sgetspent, putspent), <mntent.h> (setmntent,
 * getmntent_r, addmntent, hasmntopt); <utmp.h>/<utmpx.h>, which musl
 * keeps empty. The system's own /etc files differ between the sides. */
#define _GNU_SOURCE
#include <grp.h>
#include <mntent.h>
#include <pwd.h>
#include <shadow.h>
#include <stdlib.h>
#include <utmp.h>
#include <utmpx.h>

#include "check.h"

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	CHECK(f != NULL);
	fputs(text, f);
	fclose(f);
}

int test_db(void)
{
	write_file("passwd", "root:x:0:0:root:/root:/bin/sh\n"
			     "user:*:1000:100:A User,,,:/home/user:/bin/bash\n"
			     "bad line\n"
			     "nobody:x:65534:65534::/nonexistent:\n");
	FILE *f = fopen("passwd", "r");
	struct passwd *pw;
	while ((pw = fgetpwent(f)))
		printf("pw %s %s %u %u <%s> %s <%s>\n", pw->pw_name,
		       pw->pw_passwd, (unsigned)pw->pw_uid,
		       (unsigned)pw->pw_gid, pw->pw_gecos, pw->pw_dir,
		       pw->pw_shell);
	fclose(f);
	struct passwd p = {"new", "pw", 5, 6, "gecos", "/h", "/sh"};
	f = fopen("out", "w");
	CHECK(putpwent(&p, f) == 0);
	struct group g = {"grp", "x", 9, (char *[]){"a", "b", NULL}};
	CHECK(putgrent(&g, f) == 0);
	fclose(f);
	f = fopen("out", "r");
	char line[128];
	while (fgets(line, sizeof(line), f))
		printf("put: %s", line);
	fclose(f);
	write_file("group",
		   "wheel:x:10:root,user\nempty:x:20:\nusers:x:100:a\n");
	f = fopen("group", "r");
	struct group *gr;
	while ((gr = fgetgrent(f))) {
		printf("gr %s %u:", gr->gr_name, (unsigned)gr->gr_gid);
		for (char **m = gr->gr_mem; *m; m++)
			printf(" %s", *m);
		printf("\n");
	}
	fclose(f);
	write_file("shadow", "user:$6$salt$hash:19000:0:99999:7:::\n"
			     "root:!:1::::::\n");
	f = fopen("shadow", "r");
	struct spwd *sp;
	while ((sp = fgetspent(f)))
		printf("sp %s %s %ld %ld %ld %ld %ld\n", sp->sp_namp,
		       sp->sp_pwdp, sp->sp_lstchg, sp->sp_min, sp->sp_max,
		       sp->sp_warn, sp->sp_inact);
	fclose(f);
	f = fopen("out", "w");
	struct spwd s = {"who", "hash", 5, 1, 2, 3, 4, 5, 0};
	CHECK(putspent(&s, f) == 0);
	fclose(f);
	write_file("fstab", "# comment\n/dev/vda / ext4 rw,noatime 0 1\n"
			    "tmpfs /tmp tmpfs size=10m,mode=1777 0 0\n");
	f = setmntent("fstab", "r");
	CHECK(f != NULL);
	struct mntent me, *m;
	char mb[256];
	while ((m = getmntent_r(f, &me, mb, sizeof(mb))))
		printf("mnt %s %s %s %s %d %d noatime %s\n", m->mnt_fsname,
		       m->mnt_dir, m->mnt_type, m->mnt_opts, m->mnt_freq,
		       m->mnt_passno, hasmntopt(m, "noatime") ? "yes" : "no");
	endmntent(f);
	f = setmntent("fstab", "a");
	struct mntent add = {"none", "/x", "proc", "defaults", 0, 0};
	CHECK(addmntent(f, &add) == 0);
	endmntent(f);
	f = setmntent("fstab", "r");
	int count = 0;
	while (getmntent(f))
		count++;
	endmntent(f);
	printf("entries after addmntent %d\n", count);
	setutxent();
	CHECK(getutxent() == NULL);
	endutxent();
	setutent();
	CHECK(getutent() == NULL);
	endutent();
	return 0;
}
