/*
 * photo.h: a therapist's profile photo, from the bytes they upload to
 * the bytes chiron serves (app/photo.c).
 *
 * No uploaded byte is ever served. An upload is checked (at most
 * PHOTO_MAX_BYTES; a PNG or a JPEG by its first bytes; at most
 * PHOTO_MAX_SIDE pixels either way, read from its header before decoding:
 * core/photo_sniff.h), decoded by libgd, cropped to a square around its
 * centre, scaled to PHOTO_SIDE pixels and encoded again as a JPEG: what
 * it carried besides its pixels (EXIF with a place or a camera, comments,
 * trailing bytes) is not in the result.
 */
#ifndef CHIRON_APP_PHOTO_H
#define CHIRON_APP_PHOTO_H

#include <stddef.h>

#include "core/buf.h"
#include "core/photo_sniff.h"

#define PHOTO_MAX_BYTES (2 * 1024 * 1024)       /* "2 MB" as the form says */
#define PHOTO_SIDE 400                          /* the stored square, in pixels */
#define PHOTO_QUALITY 85                        /* JPEG quality */

struct refusal;                                 /* app/services.h */

/*
 * Re-encodes the n bytes at p into out (appended) as a PHOTO_SIDE square
 * JPEG. 0; 1 with *why (400 or 413, field "photo", a sentence for the
 * person) when the upload is not one chiron takes; -1 when out of memory
 * or the encoder fails. Safe to call from many threads.
 */
int photo_reencode(const void *p, size_t n, struct buf *out, struct refusal *why);

#endif
