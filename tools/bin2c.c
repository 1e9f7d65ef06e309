/*
 * bin2c: turns a data file into a C array, so that the chiron binary
 * carries data/taxonomy.json and data/compacts.json with it.
 *
 *     bin2c SYMBOL < FILE > FILE.c
 */
#include <stdio.h>

int
main(int argc, char **argv)
{
	size_t n = 0;
	int c;

	if (argc != 2) {
		fprintf(stderr, "usage: bin2c SYMBOL < FILE > OUT.c\n");
		return 2;
	}
	printf("#include <stddef.h>\nconst char %s[] = {", argv[1]);
	while ((c = getchar()) != EOF) {
		printf("%s%d,", n % 20 ? "" : "\n", c);
		n++;
	}
	printf("0};\nconst size_t %s_len = %zu;\n", argv[1], n);
	return 0;
}
