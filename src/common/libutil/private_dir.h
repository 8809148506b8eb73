/*
 * private_dir: directories and files that other users must not forge: a
 * directory of one user's own under a directory that every user may write
 * (/tmp), ownership checks, and files replaced whole.  No Slurm
 * dependency.
 */
#ifndef DLH_PRIVATE_DIR_H
#define DLH_PRIVATE_DIR_H

#include <stddef.h>
#include <sys/types.h>

#include "dlh_log.h"

/*
 * Puts in dir "<base>/dlhetero-<uid>", created 0700 if missing.  When that
 * name is taken by anything but a private directory of uid (another user
 * created it first, or planted a link there), a fresh
 * "<base>/dlhetero-<uid>.XXXXXX" is made with mkdtemp() instead and
 * err->text says what was found, so a squatter never switches a user's
 * files off.  Returns 0 (err->text empty, or the reason for the fresh
 * directory), or -1 with the reason in err.
 */
int private_dir_make(const char *base, uid_t uid, char *dir, size_t len,
		     struct dlh_error *err);

/* 0 if dir is a real directory of uid that no one else can enter. */
int private_dir_check(const char *dir, uid_t uid);

/*
 * 0 if dir is a real directory (not a link) owned by uid whose mode has
 * none of the bits in deny (077: private; 022: only its owner writes).
 */
int dlh_dir_owned(const char *dir, uid_t uid, mode_t deny);

/*
 * Writes text to path through a temporary file beside it (created with
 * O_EXCL|O_NOFOLLOW, mode) renamed into place, so that readers see the old
 * file or the new one, never half of one, and several writers (slurmd of
 * one host) never mix.  Only system calls and snprintf: safe between fork
 * and _exit.  Returns 0, or -1 with errno set.
 */
int dlh_file_replace(const char *path, const char *text, mode_t mode);

#endif
