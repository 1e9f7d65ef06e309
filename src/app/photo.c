/*
 * photo.c: re-encoding an uploaded profile photo (photo.h) with libgd.
 *
 * The order is the point: the cheap checks on the bytes as sent (size,
 * magic, dimensions from the header) come before libgd decodes anything,
 * so a decompression bomb is refused without allocating its pixels. The
 * decoded picture is drawn onto a fresh white truecolor square (a PNG's
 * transparency becomes white) and only that square is encoded.
 */
#include <pthread.h>
#include <stdio.h>

#include <gd.h>

#include "app/photo.h"
#include "app/services.h"

/* libgd reports to stderr by default; a bad upload is the person's
 * mistake, answered in the form, not a line in the server's log. */
static void
gd_quiet(int priority, const char *format, va_list args)
{
	(void)priority;
	(void)format;
	(void)args;
}

static pthread_once_t gd_once = PTHREAD_ONCE_INIT;

static void
gd_setup(void)
{
	gdSetErrorMethod(gd_quiet);
}

int
photo_reencode(const void *p, size_t n, struct buf *out, struct refusal *why)
{
	struct photo_info in;
	gdImagePtr src = NULL, dst = NULL;
	void *jpeg = NULL;
	int side, size = 0, rc = -1, w, h;

	pthread_once(&gd_once, gd_setup);
	if (n > PHOTO_MAX_BYTES)
		return refuse(why, 413, "photo", "the photo is larger than 2 MB: send a smaller one");
	if (photo_sniff(p, n, &in))
		return refuse(why, 400, "photo", "the file is not a PNG or JPEG picture: choose a photo "
		                                 "saved as PNG or JPEG");
	if (!photo_sniff_fits(&in))
		return refuse(why, 400, "photo", "the photo is too big in pixels: send one at most 4000 "
		                                 "pixels wide and 4000 pixels high");
	src = in.kind == PHOTO_PNG ? gdImageCreateFromPngPtr((int)n, (void *)p)
	                           : gdImageCreateFromJpegPtr((int)n, (void *)p);
	if (!src)
		return refuse(why, 400, "photo", "the picture could not be read: save it again as PNG "
		                                 "or JPEG and send that");
	w = gdImageSX(src);
	h = gdImageSY(src);
	if (w < 1 || h < 1 || w > PHOTO_MAX_SIDE || h > PHOTO_MAX_SIDE) {
		gdImageDestroy(src);
		return refuse(why, 400, "photo", "the photo is too big in pixels: send one at most 4000 "
		                                 "pixels wide and 4000 pixels high");
	}
	side = w < h ? w : h;
	dst = gdImageCreateTrueColor(PHOTO_SIDE, PHOTO_SIDE);
	if (!dst)
		goto out;
	gdImageFilledRectangle(dst, 0, 0, PHOTO_SIDE - 1, PHOTO_SIDE - 1,
	                       gdTrueColorAlpha(255, 255, 255, 0));
	gdImageAlphaBlending(dst, 1);
	gdImageCopyResampled(dst, src, 0, 0, (w - side) / 2, (h - side) / 2, PHOTO_SIDE, PHOTO_SIDE,
	                     side, side);
	gdImageInterlace(dst, 0);
	jpeg = gdImageJpegPtr(dst, &size, PHOTO_QUALITY);
	if (!jpeg || size <= 0)
		goto out;
	rc = buf_add(out, jpeg, (size_t)size) ? -1 : 0;
out:
	if (jpeg)
		gdFree(jpeg);
	if (dst)
		gdImageDestroy(dst);
	gdImageDestroy(src);
	return rc;
}
