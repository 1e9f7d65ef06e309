/*
 * test_privacy.c: the privacy page cannot drift from the store. Every
 * table of a fresh store (sqlite_master after every migration of
 * src/store/sqlite/schema.c) must be named by an item of
 * app/privacy.c, and every table an item names must exist; every item
 * says what, why, who and how long.
 */
#include "testlib.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "app/privacy.h"
#include "store/store.h"

static void
every_table_is_on_the_privacy_page(void **state)
{
	char dir[64] = "/tmp/chiron-test-privacy-XXXXXX", path[128], err[256], cmd[160];
	struct store *s;
	sqlite3 *db;
	sqlite3_stmt *st;
	int n = 0, missing = 0;
	size_t i;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/c.db", dir);
	s = store_open(path, err, sizeof err);
	if (!s)
		fail_msg("store_open: %s", err);
	store_close(s);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'table' "
	                                    "AND name NOT LIKE 'sqlite_%' ORDER BY name", -1, &st, NULL),
	                 SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);

		n++;
		if (!privacy_names_table(t)) {
			fprintf(stderr, "table %s is named by no item of src/app/privacy.c: say what it "
			        "keeps, why, who sees it and for how long\n", t);
			missing++;
		}
	}
	sqlite3_finalize(st);
	/* And the other way: every table an item names is in the store. */
	for (i = 0; i < n_privacy_items; i++) {
		const char *t = privacy_items[i].tables;

		while (*t) {
			size_t len = strcspn(t, " ");
			char name[64];
			int found;

			assert_true(len < sizeof(name));
			memcpy(name, t, len);
			name[len] = '\0';
			assert_int_equal(sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = "
			                                    "'table' AND name = ?1", -1, &st, NULL), SQLITE_OK);
			sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
			found = sqlite3_step(st) == SQLITE_ROW;
			sqlite3_finalize(st);
			if (!found) {
				fprintf(stderr, "privacy item \"%s\" names table %s, which the store does "
				        "not have\n", privacy_items[i].what, name);
				missing++;
			}
			t += len;
			t += strspn(t, " ");
		}
	}
	sqlite3_close(db);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	assert_true(n >= 20);
	assert_int_equal(missing, 0);
}

static void
every_item_says_what_why_who_how_long(void **state)
{
	size_t i;

	(void)state;
	assert_true(n_privacy_items > 0);
	for (i = 0; i < n_privacy_items; i++) {
		const struct privacy_item *it = &privacy_items[i];

		assert_true(it->group < PRIV__MAX);
		assert_true(it->what && *it->what && it->why && *it->why);
		assert_true(it->who && *it->who && it->how_long && *it->how_long);
		assert_non_null(it->tables);
	}
	for (i = 0; i < PRIV__MAX; i++)
		assert_non_null(privacy_group_names[i]);
	assert_true(privacy_names_table("user"));
	assert_false(privacy_names_table("use"));
	assert_false(privacy_names_table("no_such_table"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_table_is_on_the_privacy_page),
		cmocka_unit_test(every_item_says_what_why_who_how_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
