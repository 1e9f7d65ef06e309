/*
 * orgname.c: normalizing organization names (see orgname.h).
 *
 * A name becomes its words: ASCII letters and digits lower-cased, bytes
 * outside ASCII kept, apostrophes dropped inside a word ("Mary's" is
 * "marys"), "&" a word "and", anything else a break between words. Then
 * each word is spelled out when it is a usual abbreviation (the table
 * below), and a leading "the" is dropped unless it is all there is.
 * Single letters in a row are one word: "U.W. Medicine" and "U W
 * Medicine" are "uw medicine", as a person writes "UW Medicine".
 */
#include <ctype.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/orgname.h"
#include "core/strmap.h"
#include "core/vec.h"

static const struct {
	const char *from, *to;
} abbrev[] = {
	{"st", "saint"}, {"ste", "sainte"}, {"mt", "mount"}, {"ft", "fort"},
	{"univ", "university"},
	{"ctr", "center"}, {"cntr", "center"}, {"centre", "center"},
	{"med", "medical"}, {"hosp", "hospital"},
	{"dept", "department"}, {"dep", "department"},
	{"assn", "association"}, {"assoc", "association"},
	{"inst", "institute"}, {"natl", "national"}, {"intl", "international"},
	{"svc", "services"}, {"svcs", "services"}, {"hlth", "health"},
	{"co", "company"}, {"corp", "corporation"}, {"inc", "incorporated"},
	{"assocs", "associates"}, {"grp", "group"}, {"cmty", "community"}, {"comm", "community"},
	{"psych", "psychological"}, {"hosps", "hospitals"}, {"ctrs", "centers"},
};

static const char *
spell(const char *w)
{
	size_t k;

	for (k = 0; k < sizeof(abbrev) / sizeof(abbrev[0]); k++)
		if (strcmp(w, abbrev[k].from) == 0)
			return abbrev[k].to;
	return w;
}

/*
 * The raw words of name, at most n bytes of it: *at moves past the word
 * read into w (size ORGNAME_MAX, lower-cased, apostrophes dropped, cut
 * to fit). Returns the word's length, 0 at the end.
 */
static size_t
raw_word(const char *name, size_t n, size_t *at, char w[ORGNAME_MAX])
{
	size_t i = *at, wl = 0;

	while (i < n && name[i]) {
		unsigned char c = (unsigned char)name[i];

		if (c == '&') {
			*at = i + 1;
			memcpy(w, "and", 4);
			return 3;
		}
		if (isalnum(c) || c >= 0x80)
			break;
		i++;
	}
	while (i < n && name[i]) {
		unsigned char c = (unsigned char)name[i];

		/* An apostrophe (' or U+2019) after a letter or digit goes: "Mary's" is
		 * "marys". After other bytes, ' ends the word and U+2019 is kept,
		 * so that dropping one never makes another. */
		if (wl > 0 && isalnum((unsigned char)w[wl - 1]) &&
		    (c == '\'' || (c == 0xe2 && i + 2 < n && (unsigned char)name[i + 1] == 0x80 &&
		                   (unsigned char)name[i + 2] == 0x99))) {
			i += c == '\'' ? 1 : 3;
			continue;
		}
		if (!isalnum(c) && c < 0x80)
			break;
		if (wl + 1 < ORGNAME_MAX)
			w[wl++] = (char)tolower(c);
		i++;
	}
	w[wl] = '\0';
	*at = i;
	return wl;
}

static int
one_letter(const char *w, size_t n)
{
	return n == 1 && isalpha((unsigned char)w[0]);
}

size_t
orgname_norm(const char *name, size_t n, char out[ORGNAME_MAX])
{
	char w[ORGNAME_MAX], word[ORGNAME_MAX];
	size_t at = 0, o = 0, wl, pl;
	int the = 0;

	out[0] = '\0';
	if (!name)
		return 0;
	wl = raw_word(name, n, &at, w);
	while (wl) {
		const char *put;

		/* Single letters in a row make one word ("U.W." is "uw"). */
		memcpy(word, w, wl + 1);
		pl = wl;
		wl = raw_word(name, n, &at, w);
		if (one_letter(word, pl))
			while (one_letter(w, wl) && pl + 1 < ORGNAME_MAX) {
				word[pl++] = w[0];
				word[pl] = '\0';
				wl = raw_word(name, n, &at, w);
			}
		put = spell(word);
		/* Leading "the"s go; one comes back if nothing follows (below). */
		if (o == 0 && strcmp(put, "the") == 0) {
			the = 1;
			continue;
		}
		pl = strlen(put);
		if (o + (o ? 1 : 0) + pl + 1 > ORGNAME_MAX)
			break;
		if (o)
			out[o++] = ' ';
		memcpy(out + o, put, pl);
		o += pl;
	}
	if (o == 0 && the) {
		memcpy(out, "the", 4);
		return 3;
	}
	out[o] = '\0';
	return o;
}

size_t
orgname_initials(const char *norm, char out[ORGNAME_MAX])
{
	static const char *const small[] = {"of", "and", "for", "the", "at", "in", "on", "a"};
	const char *s = norm;
	size_t o = 0;

	while (*s) {
		size_t wl = strcspn(s, " "), k;
		int skip = 0;

		for (k = 0; k < sizeof(small) / sizeof(small[0]); k++)
			if (strlen(small[k]) == wl && strncmp(s, small[k], wl) == 0)
				skip = 1;
		if (!skip && wl && o + 2 <= ORGNAME_MAX)
			out[o++] = s[0];
		s += wl;
		while (*s == ' ')
			s++;
	}
	out[o] = '\0';
	return o;
}

/* ------------------------------------------------------------------ */
/* The index                                                           */

#define WORDS_MAX 48                    /* words of a name that count */
#define RUN_MAX 8                       /* initials: runs of 2 to 8 words */

struct orgname_index {
	atomic_uint refs;
	uint64_t hash;                  /* of the names it was built from (names_hash) */
	uint32_t n;
	const char **norm;              /* n normalized names ("" when left out), in a */
	uint8_t *words;                 /* how many words each has */
	uint16_t *len;                  /* and its length */
	uint32_t *by_norm;              /* the named organizations, by normalized name */
	uint32_t n_named;
	struct strmap keys;             /* a word or an initials run -> key number */
	uint32_t *post_start;           /* keys.n + 1 offsets into post */
	uint32_t *post;                 /* organization numbers, by key then number */
	struct arena a;
};

struct word {
	const char *s;
	size_t n;
	int small;
};

/* "of", "and", "for", "the", "at", "in", "on", "a": words initials skip. */
static int
small_word(const char *s, size_t n)
{
	switch (n) {
	case 1:
		return s[0] == 'a';
	case 2:
		return (s[0] == 'o' && (s[1] == 'f' || s[1] == 'n')) || (s[0] == 'a' && s[1] == 't') ||
		       (s[0] == 'i' && s[1] == 'n');
	case 3:
		return memcmp(s, "and", 3) == 0 || memcmp(s, "for", 3) == 0 || memcmp(s, "the", 3) == 0;
	default:
		return 0;
	}
}

/* Splits a normalized name into at most WORDS_MAX words; -1 when it has more. */
static int
split(const char *norm, struct word *w)
{
	int k = 0;

	while (*norm) {
		const char *e = norm;

		while (*e && *e != ' ')
			e++;
		if (k == WORDS_MAX)
			return -1;
		w[k].s = norm;
		w[k].n = (size_t)(e - norm);
		w[k].small = small_word(norm, w[k].n);
		k++;
		norm = *e ? e + 1 : e;
	}
	return k;
}

struct pair {
	uint32_t key, org;
};

static int
cmp_pair(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->org < y->org ? -1 : x->org > y->org;
}

static int
add_key(struct orgname_index *x, struct pair **v, size_t *cap, size_t *n, const char *key, uint32_t org)
{
	int added;
	uint32_t *k = strmap_put(&x->keys, key, (uint32_t)x->keys.n, &added);

	if (!k || vec_grow(v, cap, *n + 1, sizeof(**v)))
		return -1;
	(*v)[*n].key = *k;
	(*v)[*n].org = org;
	(*n)++;
	return 0;
}

/* FNV-1a over the names in order, each ended by a byte no name holds (a
 * missing one by another). */
static uint64_t
names_hash(const char *const *names, uint32_t n)
{
	uint64_t h = 1469598103934665603ULL;
	uint32_t i;

	for (i = 0; i < n; i++) {
		const unsigned char *s = (const unsigned char *)names[i];

		if (s)
			for (; *s; s++)
				h = (h ^ *s) * 1099511628211ULL;
		h = (h ^ (s ? 0xfe : 0xff)) * 1099511628211ULL;
	}
	return h;
}

struct orgname_index *
orgname_index_share(struct orgname_index *x)
{
	if (x)
		atomic_fetch_add(&x->refs, 1);
	return x;
}

int
orgname_index_same(const struct orgname_index *x, const char *const *names, uint32_t n)
{
	return x && x->n == n && x->hash == names_hash(names, n);
}

/* The index being built, for cmp_by_norm: set only inside orgname_index_build,
 * which a single thread runs at a time (the live index's builder). */
static _Thread_local const struct orgname_index *sorting;

static int
cmp_by_norm(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	int c = strcmp(sorting->norm[x], sorting->norm[y]);

	return c ? c : x < y ? -1 : x > y;
}

struct orgname_index *
orgname_index_build(const char *const *names, uint32_t n)
{
	struct orgname_index *x = calloc(1, sizeof(*x));
	struct pair *v = NULL;
	size_t nv = 0, cap = 0, i, o;
	uint32_t org;

	if (!x)
		return NULL;
	atomic_init(&x->refs, 1);
	x->hash = names_hash(names, n);
	x->n = n;
	/* strmap_init, with blocks sized to the registry: a small one (a test,
	 * a fuzzer's input) needs no megabyte. */
	arena_init(&x->a, n < 1024 ? 4096 : 65536);
	memset(&x->keys, 0, sizeof(x->keys));
	arena_init(&x->keys.a, n < 1024 ? 4096 : 1 << 20);
	x->norm = calloc(n ? n : 1, sizeof(*x->norm));
	x->words = calloc(n ? n : 1, sizeof(*x->words));
	x->len = calloc(n ? n : 1, sizeof(*x->len));
	x->by_norm = calloc(n ? n : 1, sizeof(*x->by_norm));
	if (!x->norm || !x->words || !x->len || !x->by_norm)
		goto fail;
	for (org = 0; org < n; org++) {
		char norm[ORGNAME_MAX], key[ORGNAME_MAX];
		struct word w[WORDS_MAX];
		int k, j, len, sig[WORDS_MAX], nsig = 0;

		x->norm[org] = "";
		if (!names[org] || orgname_norm(names[org], strlen(names[org]), norm) == 0 ||
		    (k = split(norm, w)) < 0)
			continue;
		if (!(x->norm[org] = arena_strdup(&x->a, norm)))
			goto fail;
		x->words[org] = (uint8_t)k;
		x->len[org] = (uint16_t)strlen(norm);
		x->by_norm[x->n_named++] = org;
		for (j = 0; j < k; j++) {
			memcpy(key, w[j].s, w[j].n);
			key[w[j].n] = '\0';
			if (add_key(x, &v, &cap, &nv, key, org))
				goto fail;
			if (!w[j].small)
				sig[nsig++] = j;
		}
		/* Initials of 2 to RUN_MAX significant words in a row. */
		for (j = 0; j < nsig; j++)
			for (len = 2; len <= RUN_MAX && j + len <= nsig; len++) {
				int m;

				for (m = 0; m < len; m++)
					key[m] = w[sig[j + m]].s[0];
				key[len] = '\0';
				if (add_key(x, &v, &cap, &nv, key, org))
					goto fail;
			}
	}
	sorting = x;
	/* qsort's array may not be NULL, even when empty (UBSan says so). */
	if (x->n_named)
		qsort(x->by_norm, x->n_named, sizeof(*x->by_norm), cmp_by_norm);
	sorting = NULL;
	if (nv)
		qsort(v, nv, sizeof(*v), cmp_pair);
	x->post_start = calloc(x->keys.n + 1, sizeof(*x->post_start));
	x->post = malloc((nv ? nv : 1) * sizeof(*x->post));
	if (!x->post_start || !x->post)
		goto fail;
	for (i = 0, o = 0; i < nv; i++) {
		if (i && v[i].key == v[i - 1].key && v[i].org == v[i - 1].org)
			continue;       /* a word twice in one name */
		x->post[o++] = v[i].org;
		x->post_start[v[i].key + 1]++;
	}
	for (i = 0; i < x->keys.n; i++)
		x->post_start[i + 1] += x->post_start[i];
	free(v);
	return x;
fail:
	free(v);
	orgname_index_free(x);
	return NULL;
}

void
orgname_index_free(struct orgname_index *x)
{
	if (!x || atomic_fetch_sub(&x->refs, 1) != 1)
		return;
	free(x->norm);
	free(x->words);
	free(x->len);
	free(x->by_norm);
	free(x->post_start);
	free(x->post);
	strmap_free(&x->keys);
	arena_free(&x->a);
	free(x);
}

const char *
orgname_of(const struct orgname_index *x, uint32_t org)
{
	return org < x->n ? x->norm[org] : "";
}

/* ------------------------------------------------------------------ */
/* Fitting what was typed to a name                                    */

static int
same(const struct word *a, const struct word *b)
{
	return a->n == b->n && memcmp(a->s, b->s, a->n) == 0;
}

/*
 * Where the initials in tok, read from name word j on (small words
 * skipped between), end: the index after the last word used, or -1.
 */
static int
initials_run(const struct word *tok, const struct word *w, int m, int j)
{
	size_t got = 0;

	if (tok->n < 2 || j >= m || w[j].small)
		return -1;
	while (j < m && got < tok->n) {
		if (w[j].small && got > 0) {
			j++;
			continue;
		}
		if (w[j].s[0] != tok->s[got])
			return -1;
		got++;
		j++;
	}
	return got == tok->n ? j : -1;
}

enum { AL_FAIL = 1, AL_PREFIX, AL_WHOLE };     /* 0 in the memo: not known yet */

/*
 * Whether tokens t[i..k) read as name words w[j..m) in order: each token
 * a word, or the initials of a run; small words of the name may be
 * skipped, and so may small words typed. AL_WHOLE when the whole name is
 * read, AL_PREFIX when the tokens end before the name does.
 */
static int
align(const struct word *t, int k, const struct word *w, int m, int i, int j, unsigned char *memo)
{
	unsigned char *r = &memo[i * (WORDS_MAX + 1) + j];
	int best = AL_FAIL, e;

	if (*r)
		return *r;
	if (i == k)
		best = j == m ? AL_WHOLE : AL_PREFIX;
	else if (j < m) {
		int a;

		if (same(&t[i], &w[j]) && (a = align(t, k, w, m, i + 1, j + 1, memo)) > best)
			best = a;
		if (best < AL_WHOLE && (e = initials_run(&t[i], w, m, j)) > 0 &&
		    (a = align(t, k, w, m, i + 1, e, memo)) > best)
			best = a;
		if (best < AL_WHOLE && w[j].small && (a = align(t, k, w, m, i, j + 1, memo)) > best)
			best = a;
		if (best < AL_WHOLE && t[i].small && (a = align(t, k, w, m, i + 1, j, memo)) > best)
			best = a;
	} else if (t[i].small) {
		best = align(t, k, w, m, i + 1, j, memo);
	}
	*r = (unsigned char)best;
	return best;
}

/* Whether every significant token is a word of the name or the initials of a run in it. */
static int
loose(const struct word *t, int k, const struct word *w, int m)
{
	int i, j, sig = 0;

	for (i = 0; i < k; i++) {
		int found = 0;

		if (t[i].small)
			continue;
		sig++;
		for (j = 0; j < m && !found; j++)
			found = same(&t[i], &w[j]) || initials_run(&t[i], w, m, j) > 0;
		if (!found)
			return 0;
	}
	return sig > 0;
}

/* Whether tok is one of the words w[0..m). */
static int
has_word(const struct word *tok, const struct word *w, int m)
{
	int j;

	for (j = 0; j < m; j++)
		if (same(tok, &w[j]))
			return 1;
	return 0;
}

/* Whether name a ranks before name b among hits of one fit: fewer words, then shorter, then by letter. */
static int
before(const struct orgname_index *x, uint32_t a, uint32_t b)
{
	int c;

	if (x->words[a] != x->words[b])
		return x->words[a] < x->words[b];
	if (x->len[a] != x->len[b])
		return x->len[a] < x->len[b];
	c = strcmp(x->norm[a], x->norm[b]);
	return c ? c < 0 : a < b;
}

/* Keeps org among the best max of out[0..*got), in order. */
static void
keep(const struct orgname_index *x, uint32_t org, uint32_t *out, int max, int *got)
{
	int i;

	for (i = *got; i > 0 && before(x, org, out[i - 1]); i--)
		if (i < max)
			out[i] = out[i - 1];
	if (i < max) {
		out[i] = org;
		if (*got < max)
			(*got)++;
	}
}

/* Whether org is in the sorted list l[0..n). */
static int
listed(const uint32_t *l, size_t n, uint32_t org)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (l[mid] < org)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && l[lo] == org;
}

int
orgname_find(const struct orgname_index *x, const char *typed, size_t n,
             int (*loose_ok)(void *arg, uint32_t org), void *arg,
             uint32_t *out, int max, enum orgname_fit *fit)
{
	char norm[ORGNAME_MAX];
	struct word t[WORDS_MAX];
	unsigned char memo[(WORDS_MAX + 1) * (WORDS_MAX + 1)];
	const uint32_t *list[WORDS_MAX], *cand = NULL;
	size_t nlist[WORDS_MAX], ncand = 0, c, lo, hi;
	int k, i, sig = 0, hits = 0, got = 0, lone = 0, nl = 0;
	enum orgname_fit best = ORGNAME_NONE;

	*fit = ORGNAME_NONE;
	if (!x || !typed || orgname_norm(typed, n, norm) == 0 || (k = split(norm, t)) <= 0)
		return 0;
	/* Exact: a binary search among the sorted names, and nothing else counts. */
	lo = 0, hi = x->n_named;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(x->norm[x->by_norm[mid]], norm) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < x->n_named && strcmp(x->norm[x->by_norm[lo]], norm) == 0; lo++) {
		hits++;
		keep(x, x->by_norm[lo], out, max, &got);
	}
	if (hits) {
		*fit = ORGNAME_EXACT;
		return hits;
	}
	/* Every other fit needs every significant token as a word or an initials
	 * run of the name: the candidates are the shortest of their lists, kept
	 * when every other list has them too. */
	for (i = 0; i < k; i++) {
		char key[ORGNAME_MAX];
		const uint32_t *kn;

		if (t[i].small)
			continue;
		sig++;
		lone = i;
		memcpy(key, t[i].s, t[i].n);
		key[t[i].n] = '\0';
		if (!(kn = strmap_get(&x->keys, key)))
			return 0;
		list[nl] = x->post + x->post_start[*kn];
		nlist[nl] = x->post_start[*kn + 1] - x->post_start[*kn];
		if (!cand || nlist[nl] < ncand) {
			cand = list[nl];
			ncand = nlist[nl];
		}
		nl++;
	}
	if (!cand)
		return 0;               /* only small words typed */
	for (c = 0; c < ncand; c++) {
		uint32_t org = cand[c];
		struct word w[WORDS_MAX];
		enum orgname_fit f = ORGNAME_NONE;
		int m, a, l;

		for (l = 0; l < nl; l++)
			if (list[l] != cand && !listed(list[l], nlist[l], org))
				break;
		if (l < nl || (m = split(x->norm[org], w)) <= 0)
			continue;
		memset(memo, 0, (size_t)(k + 1) * (WORDS_MAX + 1));
		a = align(t, k, w, m, 0, 0, memo);
		if (a == AL_WHOLE)
			f = ORGNAME_WHOLE;
		else if (a == AL_PREFIX)
			f = ORGNAME_PREFIX;
		else if (loose_ok && (best == ORGNAME_NONE || best == ORGNAME_LOOSE) &&
		         loose(t, k, w, m) && (sig >= 2 || !has_word(&t[lone], w, m)) &&
		         loose_ok(arg, org))
			f = ORGNAME_LOOSE;
		if (f == ORGNAME_NONE || (best != ORGNAME_NONE && f > best))
			continue;
		if (f < best || best == ORGNAME_NONE) {
			best = f;
			hits = got = 0;
		}
		hits++;
		keep(x, org, out, max, &got);
	}
	*fit = best;
	return hits;
}
