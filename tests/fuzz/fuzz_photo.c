/*
 * fuzz_photo.c: the front of the photo upload (core/photo_sniff.h), the
 * bytes a therapist sends read before any image library sees them.
 *
 * Promises checked: an accepted picture is a PNG or a JPEG with both
 * sides at least 1; a refused one leaves *out zeroed; reading the same
 * bytes again gives the same answer; no byte past the end is read
 * (AddressSanitizer sees to that: the input is copied to a buffer of
 * exactly its size).
 */
#include <string.h>

#include "fuzz.h"

#include "core/photo_sniff.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *copy = malloc(size ? size : 1);
	struct photo_info a, b;
	int rc;

	FUZZ_CHECK(copy != NULL);
	memcpy(copy, data, size);
	rc = photo_sniff(copy, size, &a);
	if (rc) {
		FUZZ_CHECK(rc == -1 && a.kind == PHOTO_UNKNOWN && a.width == 0 && a.height == 0);
	} else {
		FUZZ_CHECK(a.kind == PHOTO_PNG || a.kind == PHOTO_JPEG);
		FUZZ_CHECK(a.width >= 1 && a.height >= 1);
		FUZZ_CHECK(photo_sniff_fits(&a) == (a.width <= PHOTO_MAX_SIDE && a.height <= PHOTO_MAX_SIDE));
	}
	FUZZ_CHECK(photo_sniff(copy, size, &b) == rc && memcmp(&a, &b, sizeof(a)) == 0);
	free(copy);
	return 0;
}
