/*
 * photo_sniff.h: what an uploaded picture says it is, read from its first
 * bytes before any image library sees it (core/photo_sniff.c).
 *
 * A PNG names its width and height in its IHDR chunk, which must come
 * first; a JPEG in its first frame header (SOFn), after any number of
 * APPn and other segments, each with its length. Reading only these lets
 * app/photo.c refuse a picture too big in pixels (a "decompression bomb":
 * a small file that decodes into gigabytes) before decoding a byte of it.
 */
#ifndef CHIRON_PHOTO_SNIFF_H
#define CHIRON_PHOTO_SNIFF_H

#include <stddef.h>

enum photo_kind { PHOTO_UNKNOWN, PHOTO_PNG, PHOTO_JPEG };

#define PHOTO_MAX_SIDE 4000             /* pixels, either way */

struct photo_info {
	enum photo_kind kind;
	unsigned width, height;
};

/*
 * Reads the kind and dimensions of the n bytes at p into *out. Returns 0
 * when p begins as a PNG or JPEG whose dimensions could be read (both at
 * least 1; they may still exceed PHOTO_MAX_SIDE: photo_sniff_fits says),
 * -1 when it is neither or its header is cut short or malformed. Reads
 * no byte past p + n.
 */
int photo_sniff(const void *p, size_t n, struct photo_info *out);
/* True when both sides are at most PHOTO_MAX_SIDE. */
int photo_sniff_fits(const struct photo_info *in);

#endif
