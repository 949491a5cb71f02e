/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Replay a fuzz corpus without libFuzzer: each argument is a file or a
 * directory of files, fed one by one to LLVMFuzzerTestOneInput. Built with
 * ASan+UBSan by `make check`, so any input that ever crashed stays fixed.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
replay_file(const char *path)
{
	FILE	*f;
	uint8_t	*buf;
	long	 n;

	if ((f = fopen(path, "rb")) == NULL) {
		perror(path);
		return (-1);
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	if (n < 0) {
		perror(path);
		fclose(f);
		return (-1);
	}
	/*
	 * Exactly n bytes, no slack: a target that reads its input in place
	 * one byte too far must trip ASan here as it does under libFuzzer.
	 * An empty input is the end of a one-byte block (malloc(0) may give
	 * NULL, and ASan lets a malloc(0) block be read): a valid pointer
	 * with nothing readable behind it.
	 */
	if ((buf = malloc(n > 0 ? (size_t)n : 1)) == NULL) {
		perror(path);
		fclose(f);
		return (-1);
	}
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		perror(path);
		free(buf);
		fclose(f);
		return (-1);
	}
	fclose(f);
	LLVMFuzzerTestOneInput(n > 0 ? buf : buf + 1, (size_t)n);
	free(buf);
	return (0);
}

static int
replay_path(const char *path, unsigned *count)
{
	struct stat	 st;
	DIR		*dir;
	struct dirent	*de;
	char		 sub[4096];
	int		 rc = 0;

	if (stat(path, &st) != 0) {
		perror(path);
		return (-1);
	}
	if (!S_ISDIR(st.st_mode)) {
		(*count)++;
		return (replay_file(path));
	}
	if ((dir = opendir(path)) == NULL) {
		perror(path);
		return (-1);
	}
	while ((de = readdir(dir)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof sub, "%s/%s", path, de->d_name);
		if (replay_path(sub, count) != 0)
			rc = -1;
	}
	closedir(dir);
	return (rc);
}

int
main(int argc, char **argv)
{
	unsigned	count = 0;
	int		rc = 0;

	for (int i = 1; i < argc; i++)
		if (replay_path(argv[i], &count) != 0)
			rc = 1;
	printf("replayed %u inputs\n", count);
	return (rc);
}
