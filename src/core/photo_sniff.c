/*
 * photo_sniff.c: the kind and size of an uploaded picture, from its
 * header only (photo_sniff.h). Pure: no allocation, no library.
 */
#include <string.h>

#include "core/photo_sniff.h"

static unsigned
be32(const unsigned char *p)
{
	return (unsigned)p[0] << 24 | (unsigned)p[1] << 16 | (unsigned)p[2] << 8 | p[3];
}

static unsigned
be16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/* PNG (RFC 2083): the signature, then IHDR of length 13: width, height. */
static int
sniff_png(const unsigned char *p, size_t n, struct photo_info *out)
{
	static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

	if (n < 24 || memcmp(p, sig, 8) != 0 || be32(p + 8) != 13 || memcmp(p + 12, "IHDR", 4) != 0)
		return -1;
	out->kind = PHOTO_PNG;
	out->width = be32(p + 16);
	out->height = be32(p + 20);
	return 0;
}

/*
 * JPEG (ITU T.81 B.1): SOI, then segments (FF, marker, a two-byte length
 * that counts itself) up to the first frame header SOFn (C0-CF but for
 * C4 DHT, C8 JPG and CC DAC): precision, height, width. A scan (DA) or an
 * end (D9) before any frame is not a picture we can size.
 */
static int
sniff_jpeg(const unsigned char *p, size_t n, struct photo_info *out)
{
	size_t i = 2;

	if (n < 4 || p[0] != 0xff || p[1] != 0xd8)
		return -1;
	while (i + 1 < n) {
		unsigned m, len;

		if (p[i] != 0xff)
			return -1;
		while (i < n && p[i] == 0xff)      /* fill bytes */
			i++;
		if (i >= n)
			return -1;
		m = p[i++];
		if (m == 0x01 || (m >= 0xd0 && m <= 0xd7))     /* TEM, RSTn: no length */
			continue;
		if (m == 0xd8 || m == 0xd9 || m == 0xda || m == 0x00)
			return -1;
		if (i + 2 > n)
			return -1;
		len = be16(p + i);
		if (len < 2 || len > n - i)
			return -1;
		if (m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc) {
			if (len < 7)
				return -1;
			out->kind = PHOTO_JPEG;
			out->height = be16(p + i + 3);
			out->width = be16(p + i + 5);
			return 0;
		}
		i += len;
	}
	return -1;
}

int
photo_sniff(const void *data, size_t n, struct photo_info *out)
{
	const unsigned char *p = data;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = n >= 1 && p[0] == 0x89 ? sniff_png(p, n, out) : sniff_jpeg(p, n, out);
	if (rc == 0 && (out->width == 0 || out->height == 0))
		rc = -1;
	if (rc)
		memset(out, 0, sizeof(*out));
	return rc;
}

int
photo_sniff_fits(const struct photo_info *in)
{
	return in->width <= PHOTO_MAX_SIDE && in->height <= PHOTO_MAX_SIDE;
}
