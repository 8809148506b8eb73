/* private_dir: see private_dir.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "private_dir.h"

int private_dir_check(const char *dir, uid_t uid)
{
	struct stat st;

	if (lstat(dir, &st) || !S_ISDIR(st.st_mode) || st.st_uid != uid ||
	    (st.st_mode & 077))
		return -1;
	return 0;
}

int private_dir_make(const char *base, uid_t uid, char *dir, size_t len,
		     char *why, size_t whylen)
{
	struct stat st;
	int n;

	if (whylen)
		why[0] = '\0';
	n = snprintf(dir, len, "%s/dlhetero-%u", base, (unsigned) uid);
	if (n < 0 || (size_t) n + 8 >= len) {
		snprintf(why, whylen, "%s: name too long", base);
		return -1;
	}
	if (mkdir(dir, 0700) && errno != EEXIST) {
		snprintf(why, whylen, "cannot create %s: %s", dir,
			 strerror(errno));
		return -1;
	}
	if (!private_dir_check(dir, uid))
		return 0;
	if (lstat(dir, &st))
		snprintf(why, whylen, "%s vanished", dir);
	else
		snprintf(why, whylen,
			 "%s is not a private directory of uid "
			 "%u (a %s of uid %u, mode %03o)",
			 dir, (unsigned) uid,
			 S_ISDIR(st.st_mode)   ? "directory"
			 : S_ISLNK(st.st_mode) ? "link"
					       : "file",
			 (unsigned) st.st_uid, (unsigned) st.st_mode & 0777);
	strcat(dir, ".XXXXXX");
	if (!mkdtemp(dir)) {
		n = strlen(why);
		snprintf(why + n, whylen - n, "; cannot create %s: %s", dir,
			 strerror(errno));
		return -1;
	}
	return 0;
}
