/* SPDX-License-Identifier: MIT */
/*
 * The sampling profiler, for applications (kernel/profile.h has the
 * details). `toro profile` turns it on; samples are written at exit().
 */
#ifndef TORO_PROFILE_H
#define TORO_PROFILE_H

/* Writes the samples collected so far to the console now and empties the
 * buffers (`toro profile` adds up every dump). Does nothing when the
 * profiler is off; calling it links the profiler into the image. */
void profile_dump(void);

#endif /* TORO_PROFILE_H */
