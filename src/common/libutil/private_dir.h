/*
 * private_dir: a directory of one user's own under a directory that every
 * user may write (/tmp), for the files of a job that only its user may
 * read.  Called as that user.  No Slurm dependency.
 */
#ifndef DLH_PRIVATE_DIR_H
#define DLH_PRIVATE_DIR_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Puts in dir "<base>/dlhetero-<uid>", created 0700 if missing.  When that
 * name is taken by anything but a private directory of uid (another user
 * created it first, or planted a link there), a fresh
 * "<base>/dlhetero-<uid>.XXXXXX" is made with mkdtemp() instead and why
 * says what was found, so a squatter never switches a user's files off.
 * Returns 0, or -1 with the reason in why.
 */
int private_dir_make(const char *base, uid_t uid, char *dir, size_t len,
		     char *why, size_t whylen);

/* 0 if dir is a real directory of uid that no one else can enter. */
int private_dir_check(const char *dir, uid_t uid);

#endif
