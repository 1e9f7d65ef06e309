/*
 * totp.h: one-time codes of authenticator apps, and the text they travel
 * in (pure computation, no I/O).
 *
 *   HOTP   RFC 4226: HMAC of an 8-byte counter, dynamic truncation, the
 *          last `digits` decimal digits.
 *   TOTP   RFC 6238: HOTP of the counter floor(t / step). chiron uses
 *          HMAC-SHA1, 6 digits, 30-second steps (what every authenticator
 *          app reads from an otpauth:// URI), and accepts the step before
 *          and the step after the server's (a clock that drifts, a code
 *          typed as it changed), but never a step at or before the last one
 *          accepted for the account: a code works once (RFC 6238 5.2).
 *   base32 RFC 4648 (A-Z, 2-7), how a secret is shown and typed; decoding
 *          ignores case, spaces, dashes and trailing '='.
 *
 * HMAC comes from OpenSSL's libcrypto (libsodium has no SHA-1).
 */
#ifndef CHIRON_CORE_TOTP_H
#define CHIRON_CORE_TOTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum totp_alg { TOTP_SHA1, TOTP_SHA256, TOTP_SHA512 };

#define TOTP_STEP 30                    /* seconds */
#define TOTP_DIGITS 6
#define TOTP_WINDOW 1                   /* steps accepted either side */
#define TOTP_SECRET_BYTES 20            /* 160 bits, as RFC 4226 advises */
#define TOTP_SECRET_B32 32              /* its base32 characters */

/* The code (digits 1..9) of counter under key (n bytes); 0 on a failure of HMAC. */
uint32_t totp_hotp(enum totp_alg alg, const unsigned char *key, size_t n, uint64_t counter,
                   int digits);
/* The step of time t (seconds since 1970): floor(t / TOTP_STEP), never negative. */
int64_t totp_step(int64_t t);
/* The code of time t with steps of `step` seconds. */
uint32_t totp_at(enum totp_alg alg, const unsigned char *key, size_t n, int64_t t, int step,
                 int digits);

/*
 * Checks code against key (SHA-1, 6 digits, 30 s) at time now: true when
 * it is the code of a step within TOTP_WINDOW of now's and after
 * last_step (the last step this account had accepted; 0 when none). The
 * step it matched goes to *step, to be remembered as the new last_step.
 * Every candidate step is computed, and compared in constant time.
 */
bool totp_verify(const unsigned char *key, size_t n, int64_t now, uint32_t code,
                 int64_t last_step, int64_t *step);

/*
 * A code as typed: exactly TOTP_DIGITS digits, spaces and dashes between
 * them ignored ("123 456"). 0 and *code, or -1 when it is not one.
 */
int totp_code_parse(const char *s, uint32_t *code);

/*
 * base32 of in (n bytes), without padding, into out (cap bytes,
 * NUL-ended). Returns the characters written, or 0 when it does not fit.
 */
size_t b32_encode(const unsigned char *in, size_t n, char *out, size_t cap);
/*
 * Decodes base32 text s into out (cap bytes): case, spaces and dashes
 * ignored, trailing '=' allowed. 0 and *n, or -1 on any other character,
 * leftover bits that are not zero, or more bytes than cap.
 */
int b32_decode(const char *s, unsigned char *out, size_t cap, size_t *n);
/*
 * b32 grouped for reading aloud: groups of 4 separated by spaces, into
 * out (cap bytes). Returns 0, or -1 when it does not fit.
 */
int b32_group(const char *b32, char *out, size_t cap);

/*
 * The otpauth:// URI an authenticator app reads (Key Uri Format):
 * otpauth://totp/ISSUER:ACCOUNT?secret=B32&issuer=ISSUER&algorithm=SHA1&digits=6&period=30,
 * issuer and account percent-encoded. Returns 0, or -1 when it does not fit.
 */
int totp_uri(char *out, size_t cap, const char *issuer, const char *account, const char *b32);

/*
 * Recovery codes: RECOVERY_CHARS base32 characters (80 bits), shown in
 * groups of 4 ("ABCD-EFGH-JKMN-PQRS"). totp_recovery_norm reads one as
 * typed (case, spaces, dashes ignored) into its RECOVERY_CHARS upper-case
 * characters: 0, or -1 when it is not one.
 */
#define RECOVERY_CHARS 16
#define RECOVERY_N 10
int totp_recovery_norm(const char *s, char out[RECOVERY_CHARS + 1]);

#endif
