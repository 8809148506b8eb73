/* private_dir: see private_dir.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "private_dir.h"

int dlh_dir_owned(const char *dir, uid_t uid, mode_t deny)
{
	struct stat st;

	if (lstat(dir, &st) || !S_ISDIR(st.st_mode) || st.st_uid != uid ||
	    (st.st_mode & deny))
		return -1;
	return 0;
}

int private_dir_check(const char *dir, uid_t uid)
{
	return dlh_dir_owned(dir, uid, 077);
}

int dlh_file_replace(const char *path, const char *text, mode_t mode)
{
	char tmp[4096];
	size_t len = strlen(text), off = 0;
	ssize_t w;
	int fd, n, err;

	n = snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long) getpid());
	if (n < 0 || (size_t) n >= sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  mode);
	if (fd < 0)
		return -1;
	while (off < len) {
		w = write(fd, text + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			break;
		if (!w) {
			errno = EIO;
			break;
		}
		off += w;
	}
	if (close(fd) || off < len || rename(tmp, path)) {
		err = errno;
		unlink(tmp);
		errno = err;
		return -1;
	}
	return 0;
}

int private_dir_make(const char *base, uid_t uid, char *dir, size_t len,
		     struct dlh_error *err)
{
	struct dlh_error why;
	struct stat st;
	int n;

	if (err)
		err->text[0] = '\0';
	n = snprintf(dir, len, "%s/dlhetero-%u", base, (unsigned) uid);
	if (n < 0 || (size_t) n + 8 >= len)
		return dlh_err(err, "%s: name too long", base);
	if (mkdir(dir, 0700) && errno != EEXIST)
		return dlh_err(err, "cannot create %s: %s", dir,
			       strerror(errno));
	if (!private_dir_check(dir, uid))
		return 0;
	if (lstat(dir, &st))
		dlh_err(&why, "%s vanished", dir);
	else
		dlh_err(&why,
			"%s is not a private directory of uid "
			"%u (a %s of uid %u, mode %03o)",
			dir, (unsigned) uid,
			S_ISDIR(st.st_mode)   ? "directory"
			: S_ISLNK(st.st_mode) ? "link"
					      : "file",
			(unsigned) st.st_uid, (unsigned) st.st_mode & 0777);
	strcat(dir, ".XXXXXX");
	if (!mkdtemp(dir))
		return dlh_err(err, "%s; cannot create %s: %s", why.text, dir,
			       strerror(errno));
	/* success, with the reason for the fresh directory in err */
	dlh_err(err, "%s", why.text);
	return 0;
}
